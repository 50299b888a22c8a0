using IdempotentConsumer.Hosting.Tests.Support;
using IdempotentConsumer.Records;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using IdempotentConsumer.Testing.Faults;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Hosting.Tests.Integration;

/// <summary>Waiting for another attempt's lease must not spend the queue's receive budget (its redrive maxReceiveCount).</summary>
[Collection(EmulatorCollections.Fauxqs)]
public sealed class ReceiveBudgetTests(FauxqsFixture fauxqs, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly WorkerHosts _hosts = new(fauxqs, output);
    private readonly TestQueues _queues = new(fauxqs.CreateSqsClient());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _hosts.DisposeAsync();

    [Fact]
    public async Task Given_max_receive_count_3_When_the_holder_crashes_mid_handler_and_a_second_worker_takes_over_Then_the_order_ships_once_and_nothing_is_dead_lettered()
    {
        var deadLetters = await _queues.CreateAsync("budget-dlq");
        var queue = await _queues.CreateAsync("budget", visibilitySeconds: 3, deadLetterQueueUrl: deadLetters, maxReceiveCount: 3);
        var order = new Order("budget-1", "u-1", "p-1");
        await _queues.SendAsync(queue, [order]);

        // The holder's handler hangs (ignoring cancellation) until the test ends; later attempts go straight through.
        var hang = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        _hosts.Ledger.BeforeShip = (_, _) => Interlocked.Increment(ref calls) == 1 ? hang.Task : Task.CompletedTask;
        var holderStore = new FaultInjectingIdempotencyStore(_hosts.Store);
        var holderQueue = _hosts.NewClient();

        // A lease that outlives the visibility by 2.5 s: longer than two of the old fixed in-progress delays.
        var holder = _hosts.Build(
            queue,
            "holder",
            holderQueue,
            o => { o.VisibilityTimeout = TimeSpan.FromSeconds(3); o.HeartbeatInterval = TimeSpan.FromSeconds(2.5); },
            c => c.WithStore(_ => holderStore));
        await holder.StartAsync();
        await Eventually.TrueAsync(
            async () => (await _hosts.Store.GetAsync(OrderKeys.Of(order)))?.Status == IdempotencyRecordStatus.InProgress,
            TimeSpan.FromSeconds(10),
            "the holder took the order");

        // The process dies: nothing it does reaches the queue or the store any more; its record stays in progress.
        holderQueue.Crash();
        holderStore.StartOutage();
        var survivorQueue = _hosts.NewClient();
        await _hosts.StartAsync(queue, "survivor", survivorQueue);

        try
        {
            await Eventually.TrueAsync(() => _hosts.Ledger.ShipmentsOf(order.OrderId) == 1, TimeSpan.FromSeconds(30), "the survivor shipped the order");
            await Eventually.TrueAsync(async () => await _queues.CountAsync(queue) == 0, TimeSpan.FromSeconds(10), "the message was deleted");

            Assert.Equal(1, _hosts.Ledger.ShipmentsOf(order.OrderId));
            Assert.Equal(0, await _queues.CountAsync(deadLetters));
            Assert.Equal(2, survivorQueue.Deliveries.Values.Single());
            Assert.Equal(IdempotencyRecordStatus.Completed, (await _hosts.Store.GetAsync(OrderKeys.Of(order)))?.Status);
        }
        finally
        {
            hang.SetException(new InvalidOperationException("The crashed holder never comes back."));
        }
    }
}
