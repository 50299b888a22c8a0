using IdempotentConsumer.Hosting.Tests.Support;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Hosting.Tests.Integration;

[Collection(EmulatorCollections.Fauxqs)]
public sealed class StandardQueueTests(FauxqsFixture fauxqs, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly WorkerHosts _hosts = new(fauxqs, output);
    private readonly TestQueues _queues = new(fauxqs.CreateSqsClient());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _hosts.DisposeAsync();

    [Fact]
    public async Task Given_orders_on_a_standard_queue_When_the_worker_runs_Then_each_is_shipped_once_in_its_own_scope_and_deleted()
    {
        var queue = await _queues.CreateAsync("standard");
        var orders = Enumerable.Range(1, 20).Select(i => new Order($"o-{i}", $"u-{i % 4}", "p-1")).ToList();
        await _queues.SendAsync(queue, orders);

        await _hosts.StartAsync(queue);
        await Eventually.TrueAsync(() => _hosts.Ledger.TotalShipments == 20, TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(async () => await _queues.CountAsync(queue) == 0, TimeSpan.FromSeconds(10), "all messages deleted");

        Assert.All(orders, o => Assert.Equal(1, _hosts.Ledger.ShipmentsOf(o.OrderId)));
        Assert.Equal(20, _hosts.Ledger.Invocations);
        Assert.Equal(20, _hosts.Ledger.Scopes.Distinct().Count());
    }

    [Fact]
    public async Task Given_the_same_order_sent_twice_by_a_producer_When_consumed_Then_it_is_shipped_once_and_both_messages_are_deleted()
    {
        var queue = await _queues.CreateAsync("producer-retry");
        var orders = Enumerable.Range(1, 5).Select(i => new Order($"dup-{i}", "u-1", "p-1")).ToList();

        // A producer that timed out and sent again: same order, a new message id each time.
        await _queues.SendAsync(queue, orders.Concat(orders));
        var client = _hosts.NewClient();
        await _hosts.StartAsync(queue, client: client);

        await Eventually.TrueAsync(async () => await _queues.CountAsync(queue) == 0, TimeSpan.FromSeconds(20), "both copies of every order deleted");

        Assert.All(orders, o => Assert.Equal(1, _hosts.Ledger.ShipmentsOf(o.OrderId)));
        Assert.Equal(10, client.Deliveries.Count);
    }
}
