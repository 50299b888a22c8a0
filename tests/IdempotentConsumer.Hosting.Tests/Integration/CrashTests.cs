using IdempotentConsumer.Hosting.Tests.Support;
using IdempotentConsumer.Records;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Microsoft.Extensions.Hosting;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Hosting.Tests.Integration;

[Collection(EmulatorCollections.Fauxqs)]
public sealed class CrashTests(FauxqsFixture fauxqs, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly WorkerHosts _hosts = new(fauxqs, output);
    private readonly TestQueues _queues = new(fauxqs.CreateSqsClient());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _hosts.DisposeAsync();

    [Fact]
    public async Task Given_a_crash_after_the_side_effect_When_the_message_is_redelivered_Then_its_record_answers_it_and_nothing_ships_twice()
    {
        var queue = await _queues.CreateAsync("crash", visibilitySeconds: 2);
        var order = new Order("crash-1", "u-1", "p-1");
        await _queues.SendAsync(queue, [order]);
        var doomed = _hosts.NewClient();

        // The delete waits long enough for the crash to come first: the order is shipped and recorded, the message stays.
        var first = await _hosts.StartAsync(queue, "doomed", doomed, o =>
        {
            o.VisibilityTimeout = TimeSpan.FromSeconds(2);
            o.DeleteBatch.FlushInterval = TimeSpan.FromSeconds(30);
        });
        await Eventually.TrueAsync(
            async () => (await _hosts.Store.GetAsync(OrderKeys.Of(order)))?.Status == IdempotencyRecordStatus.Completed,
            TimeSpan.FromSeconds(10),
            "the first attempt shipped and completed its record");
        doomed.Crash();
        await first.StopAsync();
        Assert.Equal(1, await _queues.CountAsync(queue));

        var survivor = _hosts.NewClient();
        await _hosts.StartAsync(queue, "survivor", survivor);
        await Eventually.TrueAsync(async () => await _queues.CountAsync(queue) == 0, TimeSpan.FromSeconds(15), "the redelivery was deleted");

        Assert.Equal(1, _hosts.Ledger.ShipmentsOf(order.OrderId));
        Assert.Equal(1, _hosts.Ledger.Invocations);
        Assert.Equal(1, Assert.Single(survivor.Deliveries).Value);
    }
}
