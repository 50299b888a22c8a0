using IdempotentConsumer.Hosting.Tests.Support;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Hosting.Tests.Integration;

[Collection(EmulatorCollections.Fauxqs)]
public sealed class FifoQueueTests(FauxqsFixture fauxqs, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly WorkerHosts _hosts = new(fauxqs, output);
    private readonly TestQueues _queues = new(fauxqs.CreateSqsClient());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _hosts.DisposeAsync();

    [Fact]
    public async Task Given_a_fifo_queue_When_several_groups_arrive_Then_each_group_is_handled_in_order_and_groups_in_parallel()
    {
        var queue = await _queues.CreateAsync("fifo", fifo: true);
        var users = new[] { "alice", "bob", "carol" };
        var orders = Enumerable.Range(0, 8)
            .SelectMany(seq => users.Select(user => new Order($"{user}-{seq}", user, "p-1", Sequence: seq, DelayMs: 40)))
            .ToList();
        await _queues.SendAsync(queue, orders);

        await _hosts.StartAsync(queue);
        await Eventually.TrueAsync(() => _hosts.Ledger.TotalShipments == orders.Count, TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(async () => await _queues.CountAsync(queue) == 0, TimeSpan.FromSeconds(10));

        foreach (var user in users)
        {
            var sequence = _hosts.Ledger.Started.Where(o => o.UserId == user).Select(o => o.Sequence).ToArray();
            Assert.Equal(Enumerable.Range(0, 8), sequence);
        }

        Assert.All(orders, o => Assert.Equal(1, _hosts.Ledger.ShipmentsOf(o.OrderId)));
        Assert.True(_hosts.Ledger.MaxActive >= 2, $"groups should run in parallel; at most {_hosts.Ledger.MaxActive} ran at once");
        Assert.True(_hosts.Ledger.MaxActive <= users.Length, "never two messages of one group at once");
    }

    [Fact]
    public async Task Given_a_fifo_message_fails_once_When_it_comes_back_Then_the_group_still_completes_in_order()
    {
        var queue = await _queues.CreateAsync("fifo-retry", fifo: true);
        var failedOnce = 0;
        _hosts.Ledger.BeforeShip = (order, _) =>
            order.Sequence == 1 && Interlocked.Exchange(ref failedOnce, 1) == 0
                ? throw new InvalidOperationException("transient downstream failure")
                : Task.CompletedTask;
        var orders = Enumerable.Range(0, 4).Select(seq => new Order($"dave-{seq}", "dave", "p-1", Sequence: seq)).ToList();
        await _queues.SendAsync(queue, orders);

        await _hosts.StartAsync(queue);
        await Eventually.TrueAsync(() => _hosts.Ledger.TotalShipments == orders.Count, TimeSpan.FromSeconds(20));

        var shipped = _hosts.Ledger.Started.Select(o => o.Sequence).ToArray();
        Assert.Equal([0, 1, 1, 2, 3], shipped);
        Assert.All(orders, o => Assert.Equal(1, _hosts.Ledger.ShipmentsOf(o.OrderId)));
    }
}
