using IdempotentConsumer.Hosting.Tests.Support;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Hosting.Tests.Integration;

[Collection(EmulatorCollections.Fauxqs)]
public sealed class ScaleOutTests(FauxqsFixture fauxqs, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly WorkerHosts _hosts = new(fauxqs, output);
    private readonly TestQueues _queues = new(fauxqs.CreateSqsClient());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _hosts.DisposeAsync();

    [Fact]
    public async Task Given_eight_consumers_on_one_queue_When_1000_messages_arrive_Then_each_side_effect_happens_exactly_once()
    {
        var queue = await _queues.CreateAsync("scale");
        var distinct = Enumerable.Range(1, 900).Select(i => new Order($"o-{i}", $"u-{i % 50}", $"p-{i % 7}")).ToList();

        // 100 producer retries mixed in: the same order again under a new message id.
        var messages = distinct.Concat(distinct.Where((_, i) => i % 9 == 0)).OrderBy(_ => Random.Shared.Next()).ToList();
        Assert.Equal(1000, messages.Count);
        var clients = Enumerable.Range(0, 8).Select(_ => _hosts.NewClient()).ToArray();
        for (var i = 0; i < clients.Length; i++)
        {
            await _hosts.StartAsync(queue, $"consumer-{i}", clients[i]);
        }

        await _queues.SendAsync(queue, messages);
        await Eventually.TrueAsync(async () => await _queues.CountAsync(queue) == 0, TimeSpan.FromSeconds(90), "every message deleted");

        Assert.All(distinct, o => Assert.Equal(1, _hosts.Ledger.ShipmentsOf(o.OrderId)));
        Assert.Equal(900, _hosts.Ledger.TotalShipments);
        // A duplicate that found its twin in progress comes back after a short backoff, maybe to another consumer.
        Assert.Equal(1000, clients.SelectMany(c => c.Deliveries.Keys).Distinct().Count());
        Assert.True(clients.Count(c => !c.Deliveries.IsEmpty) >= 4, "the work was spread over the consumers");
    }
}
