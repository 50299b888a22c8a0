using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace IdempotentConsumer.Tests.Execution;

/// <summary>
/// <see cref="IdempotencyOptions.InProgressWaitTimeout"/>: a duplicate that finds its key in progress waits for the
/// original, polling the store on the fake clock, and replays it, takes it over, or gives up as in progress.
/// </summary>
public sealed class InProgressWaitTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task Given_an_original_in_progress_When_a_waiting_duplicate_sees_it_complete_Then_it_replays_the_response_and_the_handler_ran_once()
    {
        var h = new ExecutorHarness(o => o.InProgressWaitTimeout = TimeSpan.FromSeconds(30));
        var order = ExecutorHarness.NewOrder();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var original = RunGatedAsync(h, order, gate.Task, fail: false);

        var duplicate = h.ExecuteWithOutcomeAsync(order).AsTask();
        await Task.Delay(50);
        Assert.False(duplicate.IsCompleted);
        gate.SetResult();
        var first = await original;
        var replayed = await DriveAsync(h.Time, duplicate);

        Assert.Equal(IdempotencyOutcomeKind.Executed, first.Kind);
        Assert.Equal(IdempotencyOutcomeKind.Replayed, replayed.Kind);
        Assert.Equal(first.Value, replayed.Value);
        Assert.Equal(1, h.HandlerCalls);
    }

    [Fact]
    public void Given_a_blocking_lease_that_lapsed_after_it_was_read_When_the_next_poll_is_planned_Then_it_is_now_and_never_in_the_past()
    {
        // A storm found this: the lease read with the record lapsed before the wait began, and the planned poll lay in
        // the past, a negative delay the timer refused with ArgumentOutOfRangeException (an untyped failure).
        var now = DateTimeOffset.UnixEpoch.AddDays(1);
        var wait = new InProgressWait(now, now.AddSeconds(5), TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1));

        var pollAt = wait.NextPollAt(now, blockingLeaseEnd: now.AddMilliseconds(-30));

        Assert.Equal(now, pollAt);
    }

    [Fact]
    public void Given_a_deadline_already_past_When_the_next_poll_is_planned_Then_it_is_now()
    {
        var now = DateTimeOffset.UnixEpoch.AddDays(1);
        var wait = new InProgressWait(now.AddSeconds(-5), now.AddMilliseconds(-1), TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1));

        Assert.Equal(now, wait.NextPollAt(now, blockingLeaseEnd: null));
    }

    [Fact]
    public async Task Given_an_original_that_stays_in_progress_When_the_wait_times_out_Then_the_duplicate_fails_as_already_in_progress_without_running()
    {
        var h = new ExecutorHarness(o => o.InProgressWaitTimeout = TimeSpan.FromSeconds(2));
        var order = ExecutorHarness.NewOrder();
        var key = h.KeyOf(order);
        var originalLeaseEnd = await TakeAsync(h, key, TimeSpan.FromMinutes(5));
        var started = h.Time.GetUtcNow();

        var duplicate = h.ExecuteWithOutcomeAsync(order).AsTask();
        await Task.Delay(50);
        Assert.False(duplicate.IsCompleted);
        var error = await Assert.ThrowsAsync<IdempotencyAlreadyInProgressException>(() => DriveAsync(h.Time, duplicate));

        Assert.Equal(0, h.HandlerCalls);
        Assert.Equal(originalLeaseEnd, error.InProgressExpiresAt);
        Assert.True(h.Time.GetUtcNow() - started >= TimeSpan.FromSeconds(2));
        Assert.Equal(IdempotencyRecordStatus.InProgress, (await h.InMemory.GetAsync(key))!.Status);
    }

    [Fact]
    public async Task Given_a_wait_longer_than_the_duplicates_own_lease_When_the_original_stays_in_progress_Then_the_wait_ends_before_that_lease()
    {
        var h = new ExecutorHarness(o => o.InProgressWaitTimeout = TimeSpan.FromMinutes(10));
        var order = ExecutorHarness.NewOrder();
        await TakeAsync(h, h.KeyOf(order), TimeSpan.FromMinutes(5));
        var started = h.Time.GetUtcNow();

        var duplicate = h.ExecuteWithOutcomeAsync(order, lease: TimeSpan.FromSeconds(1)).AsTask();
        await Assert.ThrowsAsync<IdempotencyAlreadyInProgressException>(() => DriveAsync(h.Time, duplicate));

        Assert.Equal(0, h.HandlerCalls);
        Assert.InRange(h.Time.GetUtcNow() - started, TimeSpan.FromSeconds(1) - h.Options.InProgressWaitPollDelay, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Given_an_original_that_fails_and_releases_the_key_When_a_duplicate_is_waiting_Then_the_duplicate_takes_over_and_runs_the_handler()
    {
        var h = new ExecutorHarness(o => o.InProgressWaitTimeout = TimeSpan.FromSeconds(30));
        var order = ExecutorHarness.NewOrder();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var original = RunGatedAsync(h, order, gate.Task, fail: true);

        var duplicate = h.ExecuteWithOutcomeAsync(order).AsTask();
        await Task.Delay(50);
        Assert.False(duplicate.IsCompleted);
        gate.SetResult();
        await Assert.ThrowsAsync<InvalidOperationException>(() => original);
        var outcome = await DriveAsync(h.Time, duplicate);

        Assert.Equal(IdempotencyOutcomeKind.Executed, outcome.Kind);
        Assert.Equal(1, h.HandlerCalls);
        Assert.Equal(IdempotencyRecordStatus.Completed, (await h.InMemory.GetAsync(outcome.Key!))!.Status);
    }

    [Fact]
    public async Task Given_an_original_that_died_When_its_lease_lapses_during_the_wait_Then_the_duplicate_takes_over_within_the_lease_it_was_given()
    {
        var h = new ExecutorHarness(o => o.InProgressWaitTimeout = TimeSpan.FromMinutes(1));
        var order = ExecutorHarness.NewOrder();
        var key = h.KeyOf(order);
        var crashedLeaseEnd = await TakeAsync(h, key, TimeSpan.FromSeconds(3));
        var ownLeaseEnd = h.Time.GetUtcNow() + TimeSpan.FromMinutes(2);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        DateTimeOffset? heldUntil = null;

        var duplicate = h.Executor.ExecuteAsync(
            new IdempotencyInvocation<Order>(order) { LeaseDuration = TimeSpan.FromMinutes(2) },
            h,
            async (call, ct) =>
            {
                heldUntil = call.Lease!.ExpiresAt;
                await gate.Task;
                return await call.State.Ship(call.Payload, ct);
            }).AsTask();
        await DriveUntilAsync(h.Time, () => heldUntil is not null);
        gate.SetResult();
        var outcome = await duplicate;

        Assert.Equal(IdempotencyOutcomeKind.Executed, outcome.Kind);
        Assert.Equal(1, h.HandlerCalls);
        Assert.True(h.Time.GetUtcNow() >= crashedLeaseEnd);
        Assert.Equal(ownLeaseEnd, heldUntil);
    }

    [Fact]
    public async Task Given_a_waiting_duplicate_When_its_caller_cancels_Then_the_wait_ends_with_cancellation_and_the_original_keeps_the_key()
    {
        var h = new ExecutorHarness(o => o.InProgressWaitTimeout = TimeSpan.FromMinutes(1));
        var order = ExecutorHarness.NewOrder();
        var key = h.KeyOf(order);
        await TakeAsync(h, key, TimeSpan.FromMinutes(5));
        using var cancellation = new CancellationTokenSource();

        var duplicate = h.Executor.ExecuteAsync(
            new IdempotencyInvocation<Order>(order), h, static (call, ct) => call.State.Ship(call.Payload, ct), cancellation.Token).AsTask();
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await Task.Delay(50);
        Assert.False(duplicate.IsCompleted);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => duplicate);
        Assert.Equal(0, h.HandlerCalls);
        Assert.Equal(IdempotencyRecordStatus.InProgress, (await h.InMemory.GetAsync(key))!.Status);
    }

    [Fact]
    public async Task Given_no_wait_configured_When_a_duplicate_finds_the_key_in_progress_Then_it_fails_at_once()
    {
        var h = new ExecutorHarness();
        var order = ExecutorHarness.NewOrder();
        await TakeAsync(h, h.KeyOf(order), TimeSpan.FromMinutes(5));

        var duplicate = h.ExecuteWithOutcomeAsync(order).AsTask();

        Assert.True(duplicate.IsCompleted);
        await Assert.ThrowsAsync<IdempotencyAlreadyInProgressException>(() => duplicate);
    }

    [Fact]
    public void Given_invalid_wait_settings_When_an_executor_is_built_Then_every_error_is_reported()
    {
        var options = new IdempotencyOptions
        {
            InProgressWaitTimeout = TimeSpan.FromSeconds(-1),
            InProgressWaitPollDelay = TimeSpan.Zero,
            InProgressWaitMaxPollDelay = TimeSpan.FromMilliseconds(-5),
        };

        var error = Assert.Throws<IdempotencyConfigurationException>(() => new IdempotencyExecutor(new InMemoryIdempotencyStore(), options));

        Assert.Contains("InProgressWaitTimeout", error.Message, StringComparison.Ordinal);
        Assert.Contains("InProgressWaitPollDelay must be positive", error.Message, StringComparison.Ordinal);
        Assert.Contains("InProgressWaitMaxPollDelay", error.Message, StringComparison.Ordinal);
    }

    // The original, run through the same executor: it holds the key until the gate opens, then completes or fails.
    private static async Task<IdempotencyOutcome<ShipmentReceipt>> RunGatedAsync(ExecutorHarness h, Order order, Task gate, bool fail)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = h.Executor.ExecuteAsync(
            new IdempotencyInvocation<Order>(order),
            h,
            async (call, ct) =>
            {
                started.SetResult();
                await gate;
                return fail ? throw new InvalidOperationException("the original failed") : await call.State.Ship(call.Payload, ct);
            }).AsTask();
        await started.Task;
        return await run;
    }

    // Moves the fake clock in small steps, giving the waiter's continuations real time to run between them.
    private static async Task<T> DriveAsync<T>(FakeTimeProvider time, Task<T> pending)
    {
        await DriveUntilAsync(time, () => pending.IsCompleted);
        return await pending;
    }

    private static async Task DriveUntilAsync(FakeTimeProvider time, Func<bool> done)
    {
        for (var i = 0; i < 2000 && !done(); i++)
        {
            time.Advance(Step);
            await Task.Delay(2);
        }

        Assert.True(done(), "the waiter did not finish within 200 s of fake time");
    }

    private static async Task<DateTimeOffset> TakeAsync(ExecutorHarness h, string key, TimeSpan lease)
    {
        var now = h.Time.GetUtcNow();
        var begin = await h.InMemory.TryBeginAsync(new BeginRequest(key, Guid.NewGuid().ToString("N"), now, now + TimeSpan.FromHours(1), now + lease, null));
        Assert.True(begin.Acquired);
        return now + lease;
    }
}
