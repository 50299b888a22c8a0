using IdempotentConsumer.Execution;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Lambda.Tests.Support;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Lambda.Tests.Sqs;

/// <summary>Each kind of bad record fails alone, with a structured log entry; the rest of the batch goes on.</summary>
public sealed class RecordFailureTests
{
    private readonly InMemoryIdempotencyStore _store = new();
    private readonly SideEffects _shipments = new();

    [Theory]
    [InlineData("{\"orderId\":", "malformed JSON")]
    [InlineData("", "empty body")]
    [InlineData("   ", "blank body")]
    [InlineData("[1,2,3]", "an array, not an order")]
    [InlineData("\"just a string\"", "a string, not an order")]
    [InlineData("{\"orderId\":{\"nested\":true}}", "wrong type for a field")]
    public async Task Given_a_body_that_is_not_an_order_When_the_batch_runs_Then_only_that_record_fails_as_MalformedBody(string body, string because)
    {
        var processor = Processors.Shipping(_store, _shipments);
        var batch = SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1"), SqsEvents.Record("m-bad", body), SqsEvents.OrderRecord("m-3", "o-3"));

        var result = await processor.ProcessBatchAsync(batch, LambdaContexts.Create(out var log));

        Assert.True("m-bad" == Assert.Single(result.Response.BatchItemFailures).ItemIdentifier, because);
        Assert.Equal(SqsRecordFailureReason.Poison, result.Records[1].Reason);
        Assert.IsType<Exceptions.MessageDeserializationException>(result.Records[1].Error);
        Assert.Equal(2, _shipments.Total);
        Assert.Equal("Poison", Assert.Single(log.EntriesFor("m-bad")).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Given_a_key_is_required_When_a_record_has_none_Then_only_that_record_fails_as_KeyMissing_and_nothing_is_stored()
    {
        var processor = Processors.Shipping(_store, _shipments, b => b.WithIdempotency(o => o.ThrowOnMissingKey = true));
        var batch = SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1"), SqsEvents.Record("m-nokey", """{"orderId":"","userId":"u-1","productId":"p-1"}"""));

        var result = await processor.ProcessBatchAsync(batch, LambdaContexts.Create(out var log));

        Assert.Equal("m-nokey", Assert.Single(result.Response.BatchItemFailures).ItemIdentifier);
        Assert.Equal(SqsRecordFailureReason.Poison, result.Records[1].Reason);
        Assert.IsType<Exceptions.IdempotencyKeyMissingException>(result.Records[1].Error);
        Assert.Equal(1, _store.Count);
        Assert.Equal("Poison", Assert.Single(log.EntriesFor("m-nokey")).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Given_a_key_is_not_required_When_a_record_has_none_Then_the_handler_runs_unguarded()
    {
        var processor = SqsBatchProcessor.For<Order>("ship-orders")
            .WithStore(_store)
            .WithKeyJmesPath("orderId")
            .Handle((order, _) =>
            {
                _shipments.Record(order.UserId);
                return ValueTask.CompletedTask;
            });

        var result = await processor.ProcessBatchAsync(SqsEvents.Of(SqsEvents.Record("m-nokey", """{"orderId":"","userId":"u-1","productId":"p-1"}""")), LambdaContexts.Create());

        Assert.True(result.AllSucceeded);
        Assert.Equal(1, _shipments["u-1"]);
        Assert.Equal(0, _store.Count);
    }

    [Fact]
    public async Task Given_payload_validation_When_a_duplicate_key_carries_a_different_amount_Then_only_that_record_fails_as_ValidationMismatch()
    {
        var processor = Processors.Shipping(_store, _shipments, b => b
            .WithIdempotency(o => o.PayloadValidationJmesPath = "amount")
            .Configure(o => o.MaxConcurrency = 1));
        var batch = SqsEvents.Of(
            SqsEvents.OrderRecord("m-1", "o-1", amount: 10m),
            SqsEvents.OrderRecord("m-2", "o-1", amount: 99m),
            SqsEvents.OrderRecord("m-3", "o-1", amount: 10m));

        var result = await processor.ProcessBatchAsync(batch, LambdaContexts.Create(out var log));

        Assert.Equal("m-2", Assert.Single(result.Response.BatchItemFailures).ItemIdentifier);
        Assert.Equal(SqsRecordFailureReason.Poison, result.Records[1].Reason);
        Assert.IsType<Exceptions.IdempotencyValidationException>(result.Records[1].Error);
        Assert.Equal(SqsRecordStatus.Replayed, result.Records[2].Status);
        Assert.Equal(1, _shipments["o-1"]);
        Assert.Equal("Poison", Assert.Single(log.EntriesFor("m-2")).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Given_another_invocation_holds_the_key_When_the_record_arrives_Then_it_is_a_batch_item_failure_never_a_success()
    {
        var executor = new IdempotencyExecutor(_store, new IdempotencyOptions { KeyPrefix = "ship-orders", KeySource = Keys.IdempotencyKeySource.From<Order>(o => o.OrderId) });
        Assert.True(executor.TryGetKey(new IdempotencyInvocation<Order>(new Order("o-1", "u-1", "p-1")), out var key));
        var now = DateTimeOffset.UtcNow;
        Assert.True((await _store.TryBeginAsync(new BeginRequest(key, "other-invocation", now, now.AddHours(1), now.AddMinutes(5), null))).Acquired);
        var processor = SqsBatchProcessor.For<Order>("ship-orders").WithStore(_store).WithKey(o => o.OrderId).Handle((order, _) =>
        {
            _shipments.Record(order.OrderId);
            return ValueTask.CompletedTask;
        });

        var result = await processor.ProcessBatchAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1"), SqsEvents.OrderRecord("m-2", "o-2")), LambdaContexts.Create(out var log));

        Assert.Equal("m-1", Assert.Single(result.Response.BatchItemFailures).ItemIdentifier);
        Assert.Equal(SqsRecordFailureReason.InProgressElsewhere, result.Records[0].Reason);
        Assert.Equal(0, _shipments["o-1"]);
        Assert.Equal(1, _shipments["o-2"]);
        Assert.Equal("other-invocation", (await _store.GetAsync(key))!.OwnerToken);
        var entry = Assert.Single(log.EntriesFor("m-1"));
        Assert.Equal("InProgressElsewhere", entry.GetProperty("reason").GetString());
        Assert.Equal("Information", entry.GetProperty("level").GetString());
        Assert.Equal(key, entry.GetProperty("idempotencyKey").GetString());
        Assert.Equal(key, result.Records[0].IdempotencyKey);
    }

    [Fact]
    public async Task Given_the_store_fails_When_a_record_runs_Then_it_fails_as_StoreError_and_the_handler_does_not_run_unguarded()
    {
        var processor = Processors.Shipping(new BrokenStore(), _shipments);

        var result = await processor.ProcessBatchAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1")), LambdaContexts.Create());

        Assert.Equal(SqsRecordFailureReason.Retry, Assert.Single(result.Records).Reason);
        Assert.Equal(0, _shipments.Total);
    }

    [Fact]
    public async Task Given_transient_handler_failures_When_retry_is_on_Then_the_record_succeeds_within_the_invocation()
    {
        var attempts = 0;
        var processor = Processors.Shipping(_store, _shipments, b => b.WithRetry(o => { o.MaxRetryAttempts = 3; o.Delay = TimeSpan.FromMilliseconds(1); o.UseJitter = false; }), (_, _, _) =>
            Interlocked.Increment(ref attempts) < 3 ? throw new TimeoutException("flaky") : ValueTask.CompletedTask);

        var result = await processor.ProcessBatchAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1")), LambdaContexts.Create());

        Assert.True(result.AllSucceeded);
        Assert.Equal(3, attempts);
        Assert.Equal(1, _shipments["o-1"]);
    }

    /// <summary>A store whose backend is unreachable; it fails asynchronously, as a real client does.</summary>
    private sealed class BrokenStore : IIdempotencyStore
    {
        public async ValueTask<BeginResult> TryBeginAsync(BeginRequest request, CancellationToken cancellationToken = default) => await Unreachable<BeginResult>();

        public async ValueTask CompleteAsync(CompleteRequest request, CancellationToken cancellationToken = default) => await Unreachable<bool>();

        public async ValueTask ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken = default) => await Unreachable<bool>();

        public async ValueTask ExtendLeaseAsync(ExtendLeaseRequest request, CancellationToken cancellationToken = default) => await Unreachable<bool>();

        public async ValueTask<Records.IdempotencyRecord?> GetAsync(string key, CancellationToken cancellationToken = default) => await Unreachable<Records.IdempotencyRecord?>();

        public async ValueTask<IReadOnlyDictionary<string, Records.IdempotencyRecord>> GetManyAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default) =>
            await Unreachable<IReadOnlyDictionary<string, Records.IdempotencyRecord>>();

        private static async Task<T> Unreachable<T>()
        {
            await Task.Yield();
            throw new IOException("table unreachable");
        }
    }
}
