using IdempotentConsumer.Batching;
using IdempotentConsumer.Hosting.Tests.Support;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using IdempotentConsumer.Testing.Faults;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Hosting.Tests.Integration;

/// <summary>The worker's batch pre-check: one read per receive answers its completed duplicates with no write.</summary>
[Collection(EmulatorCollections.Fauxqs)]
public sealed class BatchPrecheckTests(FauxqsFixture fauxqs, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly WorkerHosts _hosts = new(fauxqs, output);
    private readonly TestQueues _queues = new(fauxqs.CreateSqsClient());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _hosts.DisposeAsync();

    [Fact]
    public async Task Given_orders_already_completed_and_sent_again_When_a_worker_reads_each_receive_first_Then_they_are_deleted_with_reads_only_and_no_begin()
    {
        var queue = await _queues.CreateAsync("precheck");
        Order[] orders = [.. Enumerable.Range(0, 5).Select(i => new Order($"pre-{i}", "u-1", "p-1"))];
        await _queues.SendAsync(queue, orders);
        var first = _hosts.Build(queue, name: "first");
        await first.StartAsync();
        await Eventually.TrueAsync(async () => await _queues.CountAsync(queue) == 0, TimeSpan.FromSeconds(20), "first copies deleted");
        await first.StopAsync();

        await _queues.SendAsync(queue, orders);
        var store = new FaultInjectingIdempotencyStore(_hosts.Store);
        var client = _hosts.NewClient();
        var second = _hosts.Build(queue, name: "second", client: client, consumer: c => c
            .WithStore(_ => store)
            .WithIdempotency(o => o.BatchPrecheck = BatchPrecheckMode.Always));
        await second.StartAsync();
        await Eventually.TrueAsync(async () => await _queues.CountAsync(queue) == 0, TimeSpan.FromSeconds(20), "second copies deleted");
        await second.StopAsync();

        Assert.Equal(5, _hosts.Ledger.TotalShipments);
        Assert.Equal(0, store.CountCalls(StoreOperations.Writes));
        Assert.Equal(client.ReceiveSizes.Count(size => size > 0), store.CountCalls(StoreOperations.GetMany));
    }
}
