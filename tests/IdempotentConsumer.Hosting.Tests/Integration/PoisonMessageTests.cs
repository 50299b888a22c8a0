using IdempotentConsumer.Hosting.Tests.Support;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Hosting.Tests.Integration;

[Collection(EmulatorCollections.Fauxqs)]
public sealed class PoisonMessageTests(FauxqsFixture fauxqs, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly WorkerHosts _hosts = new(fauxqs, output);
    private readonly TestQueues _queues = new(fauxqs.CreateSqsClient());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _hosts.DisposeAsync();

    [Fact]
    public async Task Given_a_poison_message_When_it_keeps_failing_Then_it_reaches_the_dead_letter_queue_after_max_receive_count_and_the_rest_are_shipped()
    {
        var deadLetters = await _queues.CreateAsync("dlq");
        var queue = await _queues.CreateAsync("poison", deadLetterQueueUrl: deadLetters, maxReceiveCount: 3);
        var poison = new Order("poison-1", "u-1", "p-1", Poison: true);
        var good = Enumerable.Range(1, 3).Select(i => new Order($"good-{i}", "u-2", "p-1")).ToList();
        await _queues.SendAsync(queue, good.Prepend(poison));

        await _hosts.StartAsync(queue, configure: o => o.Redelivery.Multiplier = 1);
        await Eventually.TrueAsync(async () => await _queues.CountAsync(deadLetters) == 1, TimeSpan.FromSeconds(20), "the poison message is dead-lettered");
        await Eventually.TrueAsync(async () => await _queues.CountAsync(queue) == 0, TimeSpan.FromSeconds(5));

        Assert.Equal(3, _hosts.Ledger.Started.Count(o => o.OrderId == poison.OrderId));
        Assert.All(good, o => Assert.Equal(1, _hosts.Ledger.ShipmentsOf(o.OrderId)));
        var dead = Assert.Single(await _queues.ReceiveAsync(deadLetters, waitSeconds: 1));
        Assert.Equal(poison.OrderId, TestQueues.OrderOf(dead).OrderId);
        Assert.Null(await _hosts.Store.GetAsync(OrderKeys.Of(poison)));
    }
}
