using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Tests.Support;
using Xunit;

namespace IdempotentConsumer.Tests.Execution;

/// <summary>The executor's paths through the record state machine, one test each.</summary>
public sealed class ExecutorStateMachineTests
{
    [Fact]
    public async Task Given_no_record_When_a_message_arrives_Then_the_handler_runs_once_and_the_record_is_completed_with_its_response()
    {
        var h = new ExecutorHarness();
        var order = ExecutorHarness.NewOrder();

        var outcome = await h.ExecuteWithOutcomeAsync(order);

        Assert.Equal(1, h.HandlerCalls);
        Assert.Equal(IdempotencyOutcomeKind.Executed, outcome.Kind);
        Assert.Equal(1, outcome.Value.Attempt);
        var record = await h.InMemory.GetAsync(outcome.Key!);
        Assert.NotNull(record);
        Assert.Equal(IdempotencyRecordStatus.Completed, record.Status);
        Assert.Null(record.InProgressExpiresAt);
        Assert.Equal(h.Time.GetUtcNow() + h.Options.RecordExpiry, record.ExpiresAt);
        Assert.Contains("shp-" + order.OrderId + "-1", record.ResponseData, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_completed_record_When_a_duplicate_arrives_Then_the_stored_response_is_replayed_and_the_handler_does_not_run()
    {
        var h = new ExecutorHarness();
        var order = ExecutorHarness.NewOrder();
        var first = await h.ExecuteAsync(order);

        var duplicate = await h.ExecuteWithOutcomeAsync(order with { UserId = "someone-else" });

        Assert.Equal(1, h.HandlerCalls);
        Assert.Equal(IdempotencyOutcomeKind.Replayed, duplicate.Kind);
        Assert.Equal(first, duplicate.Value);
        Assert.NotSame(first, duplicate.Value);
    }

    [Fact]
    public async Task Given_a_record_in_progress_with_a_live_lease_When_a_duplicate_arrives_Then_it_is_rejected_as_already_in_progress()
    {
        var h = new ExecutorHarness();
        var order = ExecutorHarness.NewOrder();
        var key = h.KeyOf(order);
        await TakeAsync(h, key, lease: TimeSpan.FromMinutes(5));

        h.Time.Advance(TimeSpan.FromMinutes(4));
        var error = await Assert.ThrowsAsync<IdempotencyAlreadyInProgressException>(() => h.ExecuteAsync(order).AsTask());

        Assert.Equal(0, h.HandlerCalls);
        Assert.True(error.IsTransient);
        Assert.Equal(IdempotencyRecordStatus.InProgress, (await h.InMemory.GetAsync(key))!.Status);
    }

    [Fact]
    public async Task Given_a_record_in_progress_whose_lease_lapsed_When_a_duplicate_arrives_Then_it_takes_the_record_over_and_runs_the_handler()
    {
        var h = new ExecutorHarness();
        var order = ExecutorHarness.NewOrder();
        var key = h.KeyOf(order);
        var crashedOwner = await TakeAsync(h, key, lease: TimeSpan.FromMinutes(5));

        h.Time.Advance(TimeSpan.FromMinutes(5));
        var outcome = await h.ExecuteWithOutcomeAsync(order);

        Assert.Equal(IdempotencyOutcomeKind.Executed, outcome.Kind);
        Assert.Equal(1, h.HandlerCalls);
        var record = await h.InMemory.GetAsync(key);
        Assert.Equal(IdempotencyRecordStatus.Completed, record!.Status);
        Assert.NotEqual(crashedOwner, record.OwnerToken);
    }

    [Fact]
    public async Task Given_a_completed_record_that_expired_When_the_message_arrives_again_Then_the_handler_runs_again()
    {
        var h = new ExecutorHarness(o => o.RecordExpiry = TimeSpan.FromMinutes(10));
        var order = ExecutorHarness.NewOrder();
        await h.ExecuteAsync(order);

        h.Time.Advance(TimeSpan.FromMinutes(10));
        var outcome = await h.ExecuteWithOutcomeAsync(order);

        Assert.Equal(IdempotencyOutcomeKind.Executed, outcome.Kind);
        Assert.Equal(2, h.HandlerCalls);
        Assert.Equal(2, outcome.Value.Attempt);
    }

    [Fact]
    public async Task Given_a_completed_record_not_yet_expired_When_the_message_arrives_just_before_expiry_Then_it_is_still_replayed()
    {
        var h = new ExecutorHarness(o => o.RecordExpiry = TimeSpan.FromMinutes(10));
        var order = ExecutorHarness.NewOrder();
        await h.ExecuteAsync(order);

        h.Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromMilliseconds(1));
        var outcome = await h.ExecuteWithOutcomeAsync(order);

        Assert.Equal(IdempotencyOutcomeKind.Replayed, outcome.Kind);
        Assert.Equal(1, h.HandlerCalls);
    }

    [Fact]
    public async Task Given_the_handler_throws_When_the_message_is_processed_Then_the_record_is_released_the_same_exception_is_rethrown_and_the_next_delivery_runs_again()
    {
        var h = new ExecutorHarness();
        var order = ExecutorHarness.NewOrder();
        var failure = new InvalidOperationException("shipping API said no");
        var calls = 0;

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => h.Executor.ExecuteAsync<Order, int>(
            order,
            (_, _) =>
            {
                calls++;
                throw failure;
            }).AsTask());

        Assert.Same(failure, thrown);
        Assert.Null(await h.InMemory.GetAsync(h.KeyOf(order)));

        var retried = await h.ExecuteWithOutcomeAsync(order);
        Assert.Equal(1, calls);
        Assert.Equal(IdempotencyOutcomeKind.Executed, retried.Kind);
        Assert.Equal(1, h.HandlerCalls);
    }

    [Fact]
    public async Task Given_the_handler_throws_asynchronously_When_the_message_is_processed_Then_the_original_exception_instance_surfaces_unwrapped()
    {
        var h = new ExecutorHarness();
        var order = ExecutorHarness.NewOrder();
        var failure = new TimeoutException("downstream timed out");

        var thrown = await Assert.ThrowsAsync<TimeoutException>(() => h.Executor.ExecuteAsync<Order, int>(
            order,
            async (_, ct) =>
            {
                await Task.Yield();
                throw failure;
            }).AsTask());

        Assert.Same(failure, thrown);
        Assert.Null(await h.InMemory.GetAsync(h.KeyOf(order)));
    }

    [Fact]
    public async Task Given_payload_validation_When_a_duplicate_key_arrives_with_a_different_payload_Then_it_fails_validation_and_a_matching_payload_still_replays()
    {
        var h = new ExecutorHarness(o => o.PayloadValidationJmesPath = "amount");
        var original = ExecutorHarness.NewOrder(amount: 10m);
        await h.ExecuteAsync(original);

        var tampered = await Assert.ThrowsAsync<IdempotencyValidationException>(() => h.ExecuteAsync(original with { Amount = 20m }).AsTask());
        var replay = await h.ExecuteWithOutcomeAsync(original with { UserId = "other" });

        Assert.False(tampered.IsTransient);
        Assert.Equal(IdempotencyOutcomeKind.Replayed, replay.Kind);
        Assert.Equal(1, h.HandlerCalls);
        Assert.NotNull((await h.InMemory.GetAsync(h.KeyOf(original)))!.PayloadHash);
    }

    [Fact]
    public async Task Given_an_adapter_lease_When_the_record_is_taken_Then_the_in_progress_expiry_uses_it_instead_of_the_default()
    {
        var h = new ExecutorHarness(o => o.InProgressLease = TimeSpan.FromMinutes(5));
        var order = ExecutorHarness.NewOrder();
        DateTimeOffset? observed = null;

        await h.Executor.ExecuteAsync(
            new IdempotencyInvocation<Order>(order) { LeaseDuration = TimeSpan.FromSeconds(30) },
            h,
            async (call, ct) =>
            {
                observed = (await call.State.InMemory.GetAsync(call.Lease!.Key, ct))!.InProgressExpiresAt;
                return 0;
            });

        Assert.Equal(h.Time.GetUtcNow() + TimeSpan.FromSeconds(30), observed);
    }

    [Fact]
    public async Task Given_a_running_handler_When_it_extends_its_lease_Then_a_duplicate_after_the_original_lease_is_still_rejected()
    {
        var h = new ExecutorHarness(o => o.InProgressLease = TimeSpan.FromMinutes(1));
        var order = ExecutorHarness.NewOrder();
        Exception? duplicateError = null;

        await h.Executor.ExecuteAsync(
            new IdempotencyInvocation<Order>(order),
            h,
            async (call, ct) =>
            {
                await call.Lease!.ExtendAsync(TimeSpan.FromMinutes(10), ct);
                call.State.Time.Advance(TimeSpan.FromMinutes(2));
                duplicateError = await Record.ExceptionAsync(() => call.State.ExecuteAsync(call.Payload).AsTask());
                return 0;
            });

        Assert.IsType<IdempotencyAlreadyInProgressException>(duplicateError);
    }

    private static async Task<string> TakeAsync(ExecutorHarness h, string key, TimeSpan lease)
    {
        var owner = Guid.NewGuid().ToString("N");
        var now = h.Time.GetUtcNow();
        var begin = await h.InMemory.TryBeginAsync(new BeginRequest(key, owner, now, now + TimeSpan.FromHours(1), now + lease, null));
        Assert.True(begin.Acquired);
        return owner;
    }
}
