using IdempotentConsumer.Execution;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;

namespace IdempotentConsumer.DynamoDB.Tests.Behaviour;

/// <summary>
/// Waiting for completion (<see cref="IdempotencyOptions.InProgressWaitTimeout"/>) on DynamoDB Local: two invocations of
/// one key, each with its own executor as two processes would have, on the real clock.
/// </summary>
[Collection(EmulatorCollections.DynamoDbLocal)]
public sealed class DynamoDbInProgressWaitTests(DynamoDbLocalFixture fixture) : DynamoDbLocalExecutorTests(fixture, "dynamodb-wait")
{
    [Fact]
    public async Task Given_two_concurrent_invocations_of_one_key_When_the_second_waits_Then_it_replays_the_firsts_response_without_failing_and_the_handler_ran_once()
    {
        var store = NewStore();
        var order = new Shipment($"wait-{Guid.NewGuid():N}");
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var first = Executor(store).ExecuteAsync(new IdempotencyInvocation<Shipment>(order), this, async (call, _) =>
        {
            started.SetResult();
            await gate.Task;
            return call.State.Ship();
        }).AsTask();
        await started.Task;
        var second = WaitingExecutor(store, TimeSpan.FromSeconds(30)).ExecuteAsync(
            new IdempotencyInvocation<Shipment>(order), this, static (call, _) => ValueTask.FromResult(call.State.Ship())).AsTask();
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(second.IsCompleted);
        gate.SetResult();

        var executed = await first;
        var replayed = await second;

        Assert.Equal(IdempotencyOutcomeKind.Executed, executed.Kind);
        Assert.Equal(IdempotencyOutcomeKind.Replayed, replayed.Kind);
        Assert.Equal(executed.Value, replayed.Value);
        Assert.Equal(1, Shipments);
    }

    [Fact]
    public async Task Given_an_original_that_died_in_progress_When_its_short_lease_lapses_during_the_wait_Then_the_waiter_takes_over_and_executes_once()
    {
        var store = NewStore();
        var order = new Shipment($"died-{Guid.NewGuid():N}");
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var neverCompletes = new CancellationTokenSource();
        var lease = TimeSpan.FromSeconds(2);

        // The original takes the key with a 2-second lease, then hangs: its record stays IN_PROGRESS.
        var original = Executor(store).ExecuteAsync(new IdempotencyInvocation<Shipment>(order) { LeaseDuration = lease }, this, async (call, ct) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return call.State.Ship();
        }, neverCompletes.Token).AsTask();
        await started.Task;
        var waiter = WaitingExecutor(store, TimeSpan.FromSeconds(30));
        Assert.True(waiter.TryGetKey(new IdempotencyInvocation<Shipment>(order), out var key));
        var originalLeaseEnd = (await store.GetAsync(key))!.InProgressExpiresAt!.Value;

        var outcome = await waiter.ExecuteAsync(
            new IdempotencyInvocation<Shipment>(order), this, static (call, _) => ValueTask.FromResult(call.State.Ship()));

        Assert.Equal(IdempotencyOutcomeKind.Executed, outcome.Kind);
        Assert.Equal(1, Shipments);
        Assert.True(DateTimeOffset.UtcNow >= originalLeaseEnd, "the waiter took over before the original's lease lapsed");
        var record = await store.GetAsync(outcome.Key!);
        Assert.Equal(IdempotencyRecordStatus.Completed, record!.Status);

        await neverCompletes.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => original);
        Assert.Equal(IdempotencyRecordStatus.Completed, (await store.GetAsync(outcome.Key!))!.Status);
    }

    private IdempotencyExecutor WaitingExecutor(IIdempotencyStore store, TimeSpan wait) => Executor(store, options =>
    {
        options.InProgressWaitTimeout = wait;
        options.InProgressWaitPollDelay = TimeSpan.FromMilliseconds(50);
        options.InProgressWaitMaxPollDelay = TimeSpan.FromMilliseconds(400);
    });
}
