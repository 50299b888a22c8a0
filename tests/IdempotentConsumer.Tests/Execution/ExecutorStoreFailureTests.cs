using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Tests.Support;
using Moq;
using Xunit;

namespace IdempotentConsumer.Tests.Execution;

/// <summary>What the executor does when the store misbehaves or ownership is lost.</summary>
public sealed class ExecutorStoreFailureTests
{
    [Fact]
    public async Task Given_the_store_keeps_losing_the_begin_to_a_record_that_is_not_there_When_executed_Then_it_tries_exactly_three_times_and_throws_inconsistent_state()
    {
        var store = new Mock<IIdempotencyStore>(MockBehavior.Strict);
        store.Setup(s => s.TryBeginAsync(It.IsAny<BeginRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(BeginResult.Lost(null));
        var h = new ExecutorHarness(store: store.Object);

        var error = await Assert.ThrowsAsync<IdempotencyInconsistentStateException>(() => h.ExecuteAsync(ExecutorHarness.NewOrder()).AsTask());

        store.Verify(s => s.TryBeginAsync(It.IsAny<BeginRequest>(), It.IsAny<CancellationToken>()), Times.Exactly(3));
        store.VerifyNoOtherCalls();
        Assert.Equal(0, h.HandlerCalls);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task Given_a_store_returns_a_blocking_record_with_an_unknown_status_When_executed_Then_it_fails_with_a_corrupt_record_error_and_the_handler_does_not_run()
    {
        var store = new Mock<IIdempotencyStore>(MockBehavior.Strict);
        store.Setup(s => s.TryBeginAsync(It.IsAny<BeginRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((BeginRequest r, CancellationToken _) => BeginResult.Lost(new IdempotencyRecord
            {
                Key = r.Key,
                Status = (IdempotencyRecordStatus)7,
                ExpiresAt = r.Now.AddHours(1),
                InProgressExpiresAt = r.Now.AddMinutes(5),
                OwnerToken = "someone-else",
            }));
        var h = new ExecutorHarness(store: store.Object);

        await Assert.ThrowsAsync<IdempotencyCorruptRecordException>(() => h.ExecuteAsync(ExecutorHarness.NewOrder()).AsTask());

        Assert.Equal(0, h.HandlerCalls);
    }

    [Fact]
    public async Task Given_the_record_vanishes_once_between_the_lost_write_and_the_read_When_executed_Then_the_second_attempt_wins_and_the_handler_runs_once()
    {
        var store = new Mock<IIdempotencyStore>(MockBehavior.Strict);
        store.SetupSequence(s => s.TryBeginAsync(It.IsAny<BeginRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(BeginResult.Lost(null))
            .ReturnsAsync(BeginResult.Won());
        store.Setup(s => s.CompleteAsync(It.IsAny<CompleteRequest>(), It.IsAny<CancellationToken>())).Returns(ValueTask.CompletedTask);
        var h = new ExecutorHarness(store: store.Object);

        await h.ExecuteAsync(ExecutorHarness.NewOrder());

        Assert.Equal(1, h.HandlerCalls);
        store.Verify(s => s.TryBeginAsync(It.IsAny<BeginRequest>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task Given_each_attempt_When_the_begin_is_retried_Then_every_attempt_writes_a_fresh_owner_token()
    {
        var owners = new List<string>();
        var store = new Mock<IIdempotencyStore>(MockBehavior.Strict);
        store.Setup(s => s.TryBeginAsync(It.IsAny<BeginRequest>(), It.IsAny<CancellationToken>()))
            .Callback<BeginRequest, CancellationToken>((r, _) => owners.Add(r.OwnerToken))
            .ReturnsAsync(BeginResult.Lost(null));
        var h = new ExecutorHarness(store: store.Object);

        await Assert.ThrowsAsync<IdempotencyInconsistentStateException>(() => h.ExecuteAsync(ExecutorHarness.NewOrder()).AsTask());

        Assert.Equal(3, owners.Distinct().Count());
    }

    [Fact]
    public async Task Given_the_store_throws_synchronously_When_executed_Then_it_surfaces_as_persistence_with_the_cause_and_the_handler_does_not_run()
    {
        var cause = new TimeoutException("table unreachable");
        var store = new Mock<IIdempotencyStore>(MockBehavior.Strict);
        store.Setup(s => s.TryBeginAsync(It.IsAny<BeginRequest>(), It.IsAny<CancellationToken>())).Throws(cause);
        var h = new ExecutorHarness(store: store.Object);

        var error = await Assert.ThrowsAsync<IdempotencyPersistenceException>(() => h.ExecuteAsync(ExecutorHarness.NewOrder()).AsTask());

        Assert.Same(cause, error.InnerException);
        Assert.True(error.IsTransient);
        Assert.Equal(0, h.HandlerCalls);
    }

    [Fact]
    public async Task Given_the_store_fails_asynchronously_When_executed_Then_it_surfaces_as_persistence_and_the_handler_does_not_run()
    {
        var cause = new IOException("connection reset");
        var store = new Mock<IIdempotencyStore>(MockBehavior.Strict);
        store.Setup(s => s.TryBeginAsync(It.IsAny<BeginRequest>(), It.IsAny<CancellationToken>()))
            .Returns(async () =>
            {
                await Task.Yield();
                throw cause;
            });
        var h = new ExecutorHarness(store: store.Object);

        var error = await Assert.ThrowsAsync<IdempotencyPersistenceException>(() => h.ExecuteAsync(ExecutorHarness.NewOrder()).AsTask());

        Assert.Same(cause, error.InnerException);
        Assert.Equal(0, h.HandlerCalls);
    }

    [Fact]
    public async Task Given_completing_fails_in_the_store_When_the_handler_succeeded_Then_persistence_is_thrown_and_the_record_is_not_released()
    {
        var store = new Mock<IIdempotencyStore>(MockBehavior.Strict);
        store.Setup(s => s.TryBeginAsync(It.IsAny<BeginRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(BeginResult.Won());
        store.Setup(s => s.CompleteAsync(It.IsAny<CompleteRequest>(), It.IsAny<CancellationToken>())).Throws(new HttpRequestException("503"));
        var h = new ExecutorHarness(store: store.Object);

        await Assert.ThrowsAsync<IdempotencyPersistenceException>(() => h.ExecuteAsync(ExecutorHarness.NewOrder()).AsTask());

        Assert.Equal(1, h.HandlerCalls);
        store.Verify(s => s.ReleaseAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Given_releasing_fails_after_a_handler_failure_When_executed_Then_the_handler_exception_still_surfaces_unwrapped()
    {
        var failure = new InvalidOperationException("boom");
        var store = new Mock<IIdempotencyStore>(MockBehavior.Strict);
        store.Setup(s => s.TryBeginAsync(It.IsAny<BeginRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(BeginResult.Won());
        store.Setup(s => s.ReleaseAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).Throws(new IOException("gone"));
        var h = new ExecutorHarness(store: store.Object);

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            h.Executor.ExecuteAsync<Order, int>(ExecutorHarness.NewOrder(), (_, _) => throw failure).AsTask());

        Assert.Same(failure, thrown);
    }

    [Fact]
    public async Task Given_the_caller_cancels_after_the_handler_succeeded_When_the_record_is_completed_Then_completion_still_happens()
    {
        var h = new ExecutorHarness();
        var order = ExecutorHarness.NewOrder();
        using var cts = new CancellationTokenSource();

        await h.Executor.ExecuteAsync<Order, int>(
            order,
            (_, _) =>
            {
                cts.Cancel();
                return ValueTask.FromResult(7);
            },
            cts.Token);

        Assert.Equal(IdempotencyRecordStatus.Completed, (await h.InMemory.GetAsync(h.KeyOf(order)))!.Status);
    }

    [Fact]
    public async Task Given_the_handler_is_cancelled_When_it_throws_operation_cancelled_Then_the_record_is_released_and_the_cancellation_surfaces()
    {
        var h = new ExecutorHarness();
        var order = ExecutorHarness.NewOrder();
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Executor.ExecuteAsync<Order, int>(
            order,
            (_, ct) =>
            {
                cts.Cancel();
                ct.ThrowIfCancellationRequested();
                return ValueTask.FromResult(1);
            },
            cts.Token).AsTask());

        Assert.Null(await h.InMemory.GetAsync(h.KeyOf(order)));
    }

    [Fact]
    public async Task Given_an_attempt_whose_lease_lapsed_and_was_taken_over_When_it_tries_to_complete_Then_it_gets_stale_owner_and_the_new_owners_record_is_untouched()
    {
        var h = new ExecutorHarness(o => o.InProgressLease = TimeSpan.FromMinutes(1));
        var order = ExecutorHarness.NewOrder();
        ShipmentReceipt? successor = null;

        var error = await Assert.ThrowsAsync<IdempotencyStaleOwnerException>(() => h.Executor.ExecuteAsync<Order, string>(
            order,
            async (o, _) =>
            {
                // This attempt stalls past its lease; a redelivery takes the record over and completes it.
                h.Time.Advance(TimeSpan.FromMinutes(2));
                successor = await h.ExecuteAsync(o);
                return "late result";
            }).AsTask());

        var record = await h.InMemory.GetAsync(h.KeyOf(order));
        Assert.True(error.IsTransient);
        Assert.Equal(IdempotencyRecordStatus.Completed, record!.Status);
        Assert.DoesNotContain("late result", record.ResponseData, StringComparison.Ordinal);
        Assert.Equal(successor, await h.ExecuteAsync(order));
        Assert.Equal(1, h.HandlerCalls);
    }

    [Fact]
    public async Task Given_an_attempt_whose_lease_lapsed_and_was_taken_over_When_its_handler_fails_Then_its_release_cannot_delete_the_new_owners_record()
    {
        var h = new ExecutorHarness(o => o.InProgressLease = TimeSpan.FromMinutes(1));
        var order = ExecutorHarness.NewOrder();
        var failure = new InvalidOperationException("late failure");

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => h.Executor.ExecuteAsync<Order, string>(
            order,
            async (o, _) =>
            {
                h.Time.Advance(TimeSpan.FromMinutes(2));
                await h.ExecuteAsync(o);
                throw failure;
            }).AsTask());

        Assert.Same(failure, thrown);
        var record = await h.InMemory.GetAsync(h.KeyOf(order));
        Assert.Equal(IdempotencyRecordStatus.Completed, record!.Status);
        var replay = await h.ExecuteWithOutcomeAsync(order);
        Assert.Equal(IdempotencyOutcomeKind.Replayed, replay.Kind);
    }

    [Fact]
    public async Task Given_an_attempt_whose_lease_was_taken_over_When_it_extends_its_lease_Then_it_gets_stale_owner()
    {
        var h = new ExecutorHarness(o => o.InProgressLease = TimeSpan.FromMinutes(1));
        Exception? extendError = null;

        await Assert.ThrowsAsync<IdempotencyStaleOwnerException>(() => h.Executor.ExecuteAsync(
            new IdempotencyInvocation<Order>(ExecutorHarness.NewOrder()),
            h,
            async (call, ct) =>
            {
                var time = call.State.Time;
                time.Advance(TimeSpan.FromMinutes(2));
                var now = time.GetUtcNow();
                var takeover = await call.State.InMemory.TryBeginAsync(
                    new BeginRequest(call.Lease!.Key, "successor", now, now + TimeSpan.FromHours(1), now + TimeSpan.FromMinutes(1), null), ct);
                Assert.True(takeover.Acquired);
                extendError = await Record.ExceptionAsync(() => call.Lease.ExtendAsync(TimeSpan.FromMinutes(5), ct).AsTask());
                return 0;
            }).AsTask());

        Assert.IsType<IdempotencyStaleOwnerException>(extendError);
    }

    [Fact]
    public async Task Given_a_stored_response_that_is_not_valid_json_When_replayed_Then_it_throws_corrupt_record()
    {
        var store = new Mock<IIdempotencyStore>(MockBehavior.Strict);
        store.Setup(s => s.TryBeginAsync(It.IsAny<BeginRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((BeginRequest r, CancellationToken _) => BeginResult.Lost(new IdempotencyRecord
            {
                Key = r.Key,
                Status = IdempotencyRecordStatus.Completed,
                ExpiresAt = r.Now.AddHours(1),
                ResponseData = "{not json",
            }));
        var h = new ExecutorHarness(store: store.Object);

        await Assert.ThrowsAsync<IdempotencyCorruptRecordException>(() => h.ExecuteAsync(ExecutorHarness.NewOrder()).AsTask());
    }
}
