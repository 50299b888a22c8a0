using System.Text.Json;
using System.Text.Json.Serialization;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Testing.Faults;
using IdempotentConsumer.Tests.Support;
using Xunit;

namespace IdempotentConsumer.Tests.Execution;

/// <summary>
/// The holes of issue 10 the executor closes: a record outliving its handler, a result that cannot be stored,
/// a begin whose reply was lost, and a result type the serializer cannot handle.
/// </summary>
public sealed class HardeningTests
{
    [Fact]
    public async Task Given_a_handler_that_outlives_the_record_expiry_When_a_duplicate_arrives_Then_it_is_rejected_as_in_progress_and_not_executed()
    {
        var h = new ExecutorHarness(o =>
        {
            o.RecordExpiry = TimeSpan.FromMinutes(1);
            o.InProgressLease = TimeSpan.FromMinutes(10);
        });
        var order = ExecutorHarness.NewOrder();
        Exception? duplicateError = null;
        IdempotencyRecord? whileRunning = null;

        await h.Executor.ExecuteAsync<Order, ShipmentReceipt>(order, async (o, ct) =>
        {
            // Five minutes in: past the record expiry, inside the lease. Cleanup runs too.
            h.Time.Advance(TimeSpan.FromMinutes(5));
            h.InMemory.RemoveExpired(h.Time.GetUtcNow());
            whileRunning = await h.InMemory.GetAsync(h.KeyOf(o), ct);
            duplicateError = await Record.ExceptionAsync(() => h.ExecuteAsync(o).AsTask());
            return await h.Ship(o, ct);
        });

        var blocked = Assert.IsType<IdempotencyAlreadyInProgressException>(duplicateError);
        Assert.Equal(1, h.HandlerCalls);
        Assert.NotNull(whileRunning);
        Assert.True(whileRunning.ExpiresAt >= whileRunning.InProgressExpiresAt);
        Assert.Equal(h.Time.GetUtcNow() + TimeSpan.FromMinutes(5), blocked.InProgressExpiresAt);
    }

    [Fact]
    public async Task Given_a_lease_extended_beyond_the_record_expiry_When_a_duplicate_arrives_after_the_original_expiry_Then_it_is_rejected_and_the_expiry_followed_the_lease()
    {
        var h = new ExecutorHarness(o =>
        {
            o.RecordExpiry = TimeSpan.FromMinutes(2);
            o.InProgressLease = TimeSpan.FromMinutes(1);
        });
        var order = ExecutorHarness.NewOrder();
        Exception? duplicateError = null;
        IdempotencyRecord? afterExtension = null;

        await h.Executor.ExecuteAsync(
            new IdempotencyInvocation<Order>(order),
            h,
            async (call, ct) =>
            {
                // A heartbeat every 50 s for ten minutes: the record must live as long as the lease does.
                for (var beat = 0; beat < 12; beat++)
                {
                    call.State.Time.Advance(TimeSpan.FromSeconds(50));
                    await call.Lease!.ExtendAsync(TimeSpan.FromMinutes(1), ct);
                }

                call.State.InMemory.RemoveExpired(call.State.Time.GetUtcNow());
                afterExtension = await call.State.InMemory.GetAsync(call.Lease!.Key, ct);
                duplicateError = await Record.ExceptionAsync(() => call.State.ExecuteAsync(call.Payload).AsTask());
                return await call.State.Ship(call.Payload, ct);
            });

        Assert.IsType<IdempotencyAlreadyInProgressException>(duplicateError);
        Assert.Equal(1, h.HandlerCalls);
        Assert.NotNull(afterExtension);
        Assert.Equal(afterExtension.InProgressExpiresAt, afterExtension.ExpiresAt);
        var completed = await h.InMemory.GetAsync(h.KeyOf(order));
        Assert.Equal(IdempotencyRecordStatus.Completed, completed!.Status);
        Assert.Equal(h.Time.GetUtcNow() + TimeSpan.FromMinutes(2), completed.ExpiresAt);
    }

    [Fact]
    public async Task Given_a_serializer_that_throws_on_the_result_When_executed_Then_the_key_completes_without_a_response_and_duplicates_are_not_executed()
    {
        var h = new ExecutorHarness(o => o.SerializerOptions = new JsonSerializerOptions(JsonSerializerOptions.Web) { Converters = { new ThrowingReceiptConverter() } });
        var order = ExecutorHarness.NewOrder();

        var first = await Assert.ThrowsAsync<IdempotencyResponseNotStoredException>(() => h.ExecuteWithOutcomeAsync(order).AsTask());
        var duplicate = await h.ExecuteWithOutcomeAsync(order);
        var simple = await Assert.ThrowsAsync<IdempotencyResponseNotStoredException>(() => h.ExecuteAsync(order).AsTask());

        Assert.IsType<JsonException>(first.InnerException);
        Assert.Equal("shp-" + order.OrderId + "-1", Assert.IsType<ShipmentReceipt>(first.Result).ShipmentId);
        Assert.Equal(IdempotencyOutcomeKind.CompletedWithoutResponse, duplicate.Kind);
        Assert.Null(duplicate.Value);
        Assert.Null(simple.Result);
        Assert.Equal(1, h.HandlerCalls);
        var record = await h.InMemory.GetAsync(h.KeyOf(order));
        Assert.Equal(IdempotencyRecordStatus.Completed, record!.Status);
        Assert.True(record.ResponseNotStored);
        Assert.Null(record.ResponseData);
    }

    [Fact]
    public async Task Given_a_store_that_refuses_the_response_as_too_large_When_executed_Then_the_key_completes_without_a_response_and_a_duplicate_is_acknowledged()
    {
        var store = new TooLargeResponseStore();
        var h = new ExecutorHarness(o => o.UseLocalCache = false, store);
        var order = ExecutorHarness.NewOrder();

        var first = await Assert.ThrowsAsync<IdempotencyResponseNotStoredException>(() => h.ExecuteWithOutcomeAsync(order).AsTask());
        var duplicate = await h.ExecuteWithOutcomeAsync(order);

        Assert.IsType<IdempotencyRecordTooLargeException>(first.InnerException);
        Assert.Equal(IdempotencyOutcomeKind.CompletedWithoutResponse, duplicate.Kind);
        Assert.Equal(1, h.HandlerCalls);
        Assert.True((await store.GetAsync(h.KeyOf(order)))!.ResponseNotStored);
    }

    [Fact]
    public async Task Given_the_local_cache_When_a_result_could_not_be_stored_Then_a_cached_duplicate_is_also_completed_without_response()
    {
        var h = new ExecutorHarness(o =>
        {
            o.UseLocalCache = true;
            o.SerializerOptions = new JsonSerializerOptions(JsonSerializerOptions.Web) { Converters = { new ThrowingReceiptConverter() } };
        });
        var order = ExecutorHarness.NewOrder();
        await Assert.ThrowsAsync<IdempotencyResponseNotStoredException>(() => h.ExecuteWithOutcomeAsync(order).AsTask());
        h.InMemory.Clear(); // only the cache can answer now

        var duplicate = await h.ExecuteWithOutcomeAsync(order);

        Assert.Equal(IdempotencyOutcomeKind.CompletedWithoutResponse, duplicate.Kind);
        Assert.Equal(1, h.HandlerCalls);
    }

    [Fact]
    public async Task Given_a_result_type_the_serializer_cannot_handle_When_executed_Then_it_is_a_configuration_error_before_the_store_or_the_handler()
    {
        var faults = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore());
        var h = new ExecutorHarness(o => o.SerializerOptions = new JsonSerializerOptions { TypeInfoResolver = TestJsonContext.Default }, faults);
        var order = ExecutorHarness.NewOrder();
        var runs = 0;

        var error = await Assert.ThrowsAsync<IdempotencyConfigurationException>(() => h.Executor.ExecuteAsync<Order, Unregistered>(order, o =>
        {
            runs++;
            return new Unregistered(o.OrderId);
        }).AsTask());
        var again = await Assert.ThrowsAsync<IdempotencyConfigurationException>(() => h.Executor.ExecuteAsync<Order, Unregistered>(order, o =>
        {
            runs++;
            return new Unregistered(o.OrderId);
        }).AsTask());

        Assert.Equal(0, runs);
        Assert.Equal(0, faults.CountCalls(StoreOperations.Begin | StoreOperations.Get | StoreOperations.Complete));
        Assert.Contains(nameof(Unregistered), error.Message);
        Assert.IsType<NotSupportedException>(again.InnerException);
        Assert.Equal("shp-" + order.OrderId + "-1", (await h.ExecuteAsync(order)).ShipmentId); // a registered type still works
    }

    [Fact]
    public async Task Given_a_begin_whose_write_lands_but_whose_reply_is_lost_When_executed_Then_it_recognises_its_own_record_and_runs_once()
    {
        var faults = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore());
        faults.FailNext(StoreOperations.Begin, timing: FaultTiming.AfterWrite);
        var h = new ExecutorHarness(store: faults);
        var order = ExecutorHarness.NewOrder();

        var outcome = await h.ExecuteWithOutcomeAsync(order);
        var duplicate = await h.ExecuteWithOutcomeAsync(order);

        Assert.Equal(1, faults.CountInjected(StoreOperations.Begin));
        Assert.Equal(IdempotencyOutcomeKind.Executed, outcome.Kind);
        Assert.Equal(IdempotencyOutcomeKind.Replayed, duplicate.Kind);
        Assert.Equal(outcome.Value, duplicate.Value);
        Assert.Equal(1, h.HandlerCalls);
        Assert.Equal(IdempotencyRecordStatus.Completed, (await faults.Inner.GetAsync(h.KeyOf(order)))!.Status);
    }

    [Fact]
    public async Task Given_a_begin_that_fails_before_the_write_When_executed_Then_one_retry_takes_the_key()
    {
        var faults = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore());
        faults.FailNext(StoreOperations.Begin, timing: FaultTiming.BeforeWrite);
        var h = new ExecutorHarness(store: faults);

        var outcome = await h.ExecuteWithOutcomeAsync(ExecutorHarness.NewOrder());

        Assert.Equal(IdempotencyOutcomeKind.Executed, outcome.Kind);
        Assert.Equal(2, faults.CountCalls(StoreOperations.Begin));
    }

    [Fact]
    public async Task Given_a_begin_whose_replies_are_lost_twice_When_executed_Then_it_fails_with_a_persistence_error_releases_its_own_record_and_never_runs_the_handler()
    {
        var faults = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore());
        faults.FailNext(StoreOperations.Begin, count: 1 + IdempotencyExecutor.BeginRetriesAfterPersistenceFailure, timing: FaultTiming.AfterWrite);
        var h = new ExecutorHarness(store: faults);
        var order = ExecutorHarness.NewOrder();

        await Assert.ThrowsAsync<IdempotencyPersistenceException>(() => h.ExecuteWithOutcomeAsync(order).AsTask());

        Assert.Equal(1 + IdempotencyExecutor.BeginRetriesAfterPersistenceFailure, faults.CountCalls(StoreOperations.Begin));
        Assert.Equal(1, faults.CountCalls(StoreOperations.Release));
        Assert.Equal(0, h.HandlerCalls);
        Assert.Null(await faults.Inner.GetAsync(h.KeyOf(order)));
    }

    [Fact]
    public async Task Given_a_begin_whose_replies_are_lost_twice_When_the_message_is_redelivered_at_once_Then_the_redelivery_takes_the_key_instead_of_waiting_out_the_lease()
    {
        var faults = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore());
        faults.FailNext(StoreOperations.Begin, count: 1 + IdempotencyExecutor.BeginRetriesAfterPersistenceFailure, timing: FaultTiming.AfterWrite);
        var h = new ExecutorHarness(o => o.InProgressLease = TimeSpan.FromMinutes(10), store: faults);
        var order = ExecutorHarness.NewOrder();
        await Assert.ThrowsAsync<IdempotencyPersistenceException>(() => h.ExecuteWithOutcomeAsync(order).AsTask());

        var redelivery = await h.ExecuteWithOutcomeAsync(order);

        Assert.Equal(IdempotencyOutcomeKind.Executed, redelivery.Kind);
        Assert.Equal(1, h.HandlerCalls);
    }

    [Fact]
    public async Task Given_a_begin_that_keeps_failing_and_a_release_that_fails_too_When_executed_Then_the_begins_error_propagates_and_the_landed_record_blocks_until_its_lease_lapses()
    {
        var faults = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore());
        faults.FailNext(StoreOperations.Begin, count: 5, timing: FaultTiming.AfterWrite);
        faults.FailNext(StoreOperations.Release, count: 5, kind: StoreFaultKind.Throttling);
        var h = new ExecutorHarness(store: faults);
        var order = ExecutorHarness.NewOrder();

        var error = await Assert.ThrowsAsync<IdempotencyPersistenceException>(() => h.ExecuteWithOutcomeAsync(order).AsTask());

        Assert.Contains("after the write landed", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(1 + IdempotencyExecutor.BeginRetriesAfterPersistenceFailure, faults.CountCalls(StoreOperations.Begin));
        Assert.Equal(1, faults.CountInjected(StoreOperations.Release));
        Assert.Equal(0, h.HandlerCalls);
        Assert.Equal(IdempotencyRecordStatus.InProgress, (await faults.Inner.GetAsync(h.KeyOf(order)))!.Status);
    }

    [Fact]
    public async Task Given_a_lost_begin_returning_another_owners_record_When_executed_Then_it_is_still_in_progress_elsewhere()
    {
        var h = new ExecutorHarness();
        var order = ExecutorHarness.NewOrder();
        var key = h.KeyOf(order);
        var now = h.Time.GetUtcNow();
        await h.InMemory.TryBeginAsync(new BeginRequest(key, "someone-else", now, now.AddHours(1), now.AddMinutes(5), null));

        await Assert.ThrowsAsync<IdempotencyAlreadyInProgressException>(() => h.ExecuteWithOutcomeAsync(order).AsTask());

        Assert.Equal(0, h.HandlerCalls);
    }

    /// <summary>A result type missing from the source-generated context.</summary>
    public sealed record Unregistered(string Id);

    private sealed class ThrowingReceiptConverter : JsonConverter<ShipmentReceipt>
    {
        public override ShipmentReceipt Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new JsonException("cannot read receipts");

        public override void Write(Utf8JsonWriter writer, ShipmentReceipt value, JsonSerializerOptions options) =>
            throw new JsonException("receipts cannot be written");
    }

    // Refuses any completion carrying response data, as DynamoDB refuses an item over 400 KB.
    private sealed class TooLargeResponseStore : IIdempotencyStore
    {
        private readonly InMemoryIdempotencyStore _inner = new();

        public ValueTask<BeginResult> TryBeginAsync(BeginRequest request, CancellationToken cancellationToken = default) => _inner.TryBeginAsync(request, cancellationToken);

        public ValueTask CompleteAsync(CompleteRequest request, CancellationToken cancellationToken = default) =>
            request.ResponseData is not null && !request.ResponseNotStored
                ? throw new IdempotencyRecordTooLargeException("over the item limit")
                : _inner.CompleteAsync(request, cancellationToken);

        public ValueTask ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken = default) => _inner.ReleaseAsync(key, ownerToken, cancellationToken);

        public ValueTask ExtendLeaseAsync(ExtendLeaseRequest request, CancellationToken cancellationToken = default) => _inner.ExtendLeaseAsync(request, cancellationToken);

        public ValueTask<IdempotencyRecord?> GetAsync(string key, CancellationToken cancellationToken = default) => _inner.GetAsync(key, cancellationToken);

        public ValueTask<IReadOnlyDictionary<string, IdempotencyRecord>> GetManyAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default) =>
            _inner.GetManyAsync(keys, cancellationToken);
    }
}
