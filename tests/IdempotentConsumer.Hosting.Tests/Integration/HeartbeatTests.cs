using IdempotentConsumer.Hosting.Tests.Support;
using IdempotentConsumer.Records;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Hosting.Tests.Integration;

[Collection(EmulatorCollections.Fauxqs)]
public sealed class HeartbeatTests(FauxqsFixture fauxqs, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly WorkerHosts _hosts = new(fauxqs, output);
    private readonly TestQueues _queues = new(fauxqs.CreateSqsClient());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _hosts.DisposeAsync();

    [Fact]
    public async Task Given_a_handler_slower_than_the_visibility_timeout_When_it_runs_Then_no_consumer_receives_the_message_again_meanwhile()
    {
        var queue = await _queues.CreateAsync("slow", visibilitySeconds: 3);
        var slow = new Order("slow-1", "u-1", "p-1", DelayMs: 6_000);
        await _queues.SendAsync(queue, [slow]);
        var first = _hosts.NewClient();
        var second = _hosts.NewClient();
        void ThreeSeconds(Hosting.Options.SqsConsumerOptions o)
        {
            // A shorter interval than the default third leaves this loaded test machine more slack before a lapse.
            o.VisibilityTimeout = TimeSpan.FromSeconds(3);
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(500);
        }

        // Two idle consumers: without the heartbeat the message would come back after 3 s and one of them would get it.
        await _hosts.StartAsync(queue, "first", first, ThreeSeconds);
        await _hosts.StartAsync(queue, "second", second, ThreeSeconds);
        await Eventually.TrueAsync(() => _hosts.Ledger.TotalShipments == 1, TimeSpan.FromSeconds(15));
        await Eventually.TrueAsync(async () => await _queues.CountAsync(queue) == 0, TimeSpan.FromSeconds(5));

        Assert.Equal(1, first.Deliveries.Values.Sum() + second.Deliveries.Values.Sum());
        Assert.Equal(1, _hosts.Ledger.Invocations);
        var record = await _hosts.Store.GetAsync(OrderKeys.Of(slow));
        Assert.Equal(IdempotencyRecordStatus.Completed, record?.Status);
    }
}
