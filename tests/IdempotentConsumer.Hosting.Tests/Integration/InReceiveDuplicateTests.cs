using IdempotentConsumer.Hosting.Tests.Support;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using IdempotentConsumer.Testing.Faults;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Hosting.Tests.Integration;

/// <summary>One receive holding one key several times: the key runs once and its copies take its result.</summary>
[Collection(EmulatorCollections.Fauxqs)]
public sealed class InReceiveDuplicateTests(FauxqsFixture fauxqs, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly WorkerHosts _hosts = new(fauxqs, output);
    private readonly TestQueues _queues = new(fauxqs.CreateSqsClient());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _hosts.DisposeAsync();

    [Fact]
    public async Task Given_one_receive_holding_an_order_three_times_When_consumed_Then_it_runs_once_all_three_are_deleted_and_the_copies_cost_no_store_call()
    {
        var queue = await _queues.CreateAsync("receive-dups");
        var order = new Order("triple-1", "u-1", "p-1", DelayMs: 300);
        await _queues.SendAsync(queue, [order, order, order]);
        var store = new FaultInjectingIdempotencyStore(_hosts.Store);
        var client = _hosts.NewClient();

        var host = _hosts.Build(queue, client: client, consumer: c => c.WithStore(_ => store));
        await host.StartAsync();
        await Eventually.TrueAsync(async () => await _queues.CountAsync(queue) == 0, TimeSpan.FromSeconds(20), "all three copies deleted");
        await host.StopAsync();

        Assert.Equal([3], client.ReceiveSizes);
        Assert.All(client.Deliveries.Values, n => Assert.Equal(1, n));
        Assert.Equal(1, _hosts.Ledger.Invocations);
        Assert.Equal(1, _hosts.Ledger.ShipmentsOf(order.OrderId));
        Assert.Equal(0, client.VisibilityChanges);
        Assert.Equal(1, store.CountCalls(StoreOperations.Begin));
        Assert.Equal(1, store.CountCalls(StoreOperations.Complete));
        Assert.Equal(0, store.CountCalls(StoreOperations.Reads | StoreOperations.Release));
    }

    [Fact]
    public async Task Given_a_poison_order_three_times_in_one_receive_When_its_first_copy_fails_Then_the_copies_fail_with_it_without_running()
    {
        var queue = await _queues.CreateAsync("receive-dups-poison");
        var order = new Order("poison-3", "u-1", "p-1", Poison: true);
        await _queues.SendAsync(queue, [order, order, order]);
        var store = new FaultInjectingIdempotencyStore(_hosts.Store);
        var client = _hosts.NewClient();

        var host = _hosts.Build(queue, client: client, consumer: c => c.WithStore(_ => store), configure: o => o.Redelivery.InitialDelay = TimeSpan.FromSeconds(30));
        await host.StartAsync();
        await Eventually.TrueAsync(() => Volatile.Read(ref client.VisibilityChanges) == 3, TimeSpan.FromSeconds(20), "all three copies returned");
        await host.StopAsync();

        Assert.Equal(1, _hosts.Ledger.Invocations);
        Assert.Equal(1, store.CountCalls(StoreOperations.Begin));
        Assert.Equal(3, await _queues.CountAsync(queue));
    }

    [Fact]
    public async Task Given_an_order_in_two_fifo_groups_of_one_receive_When_consumed_Then_it_runs_once_and_each_group_keeps_its_order()
    {
        // fauxqs hands out one message per FIFO group per receive, so the copies sit in two groups of one receive.
        var queue = await _queues.CreateAsync("receive-dups", fifo: true);
        var first = new Order("f-1", "u-1", "p-1", Sequence: 1, DelayMs: 300);
        var copy = first with { UserId = "u-2" };
        var afterFirst = new Order("f-2", "u-1", "p-1", Sequence: 2);
        var afterCopy = new Order("f-3", "u-2", "p-1", Sequence: 2);
        await _queues.SendAsync(queue, [first, copy, afterFirst, afterCopy]);
        var store = new FaultInjectingIdempotencyStore(_hosts.Store);
        var client = _hosts.NewClient();

        var host = _hosts.Build(queue, client: client, consumer: c => c.WithStore(_ => store));
        await host.StartAsync();
        await Eventually.TrueAsync(async () => await _queues.CountAsync(queue) == 0, TimeSpan.FromSeconds(20), "all four messages deleted");
        await host.StopAsync();

        Assert.Equal(2, client.ReceiveSizes.First());
        var started = _hosts.Ledger.Started.Select(o => o.OrderId).ToList();
        Assert.Equal(3, started.Count);
        Assert.Equal("f-1", started[0]);
        Assert.All(new[] { "f-1", "f-2", "f-3" }, id => Assert.Equal(1, _hosts.Ledger.ShipmentsOf(id)));
        Assert.Equal(0, client.VisibilityChanges);
        Assert.Equal(3, store.CountCalls(StoreOperations.Begin));
        Assert.Equal(0, store.CountCalls(StoreOperations.Reads));
    }
}
