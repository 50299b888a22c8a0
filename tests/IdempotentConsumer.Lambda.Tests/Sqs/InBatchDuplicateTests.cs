using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Lambda.Tests.Support;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Lambda.Tests.Sqs;

/// <summary>
/// A batch can hold one key several times (producer retries, SQS duplicates). The key runs once; its copies take
/// that outcome inside the invocation, with no store call and no batch item failure, and fail with it if it fails.
/// </summary>
public sealed class InBatchDuplicateTests
{
    private static readonly TimeSpan HandlerTime = TimeSpan.FromMilliseconds(200);

    private readonly IIdempotencyStore _store;
    private readonly CountingStore _calls;
    private readonly SideEffects _shipments = new();

    public InBatchDuplicateTests() => _store = CountingStore.Wrap(new InMemoryIdempotencyStore(), out _calls);

    // Slow enough that, at default concurrency, the copies arrive while the first record still runs.
    private SqsBatchProcessor<Order> Processor(Func<Order, ValueTask>? before = null, Action<SqsBatchProcessorBuilder<Order>>? configure = null) =>
        Processors.Shipping(_store, _shipments, configure, async (order, _, ct) =>
        {
            await Task.Delay(HandlerTime, ct);
            if (before is not null)
            {
                await before(order);
            }
        });

    private static ValueTask FailOn(string orderId, Order order) =>
        order.OrderId == orderId ? throw new InvalidOperationException($"{orderId} failed") : ValueTask.CompletedTask;

    [Fact]
    public async Task Given_one_order_three_times_in_a_standard_batch_When_processed_at_default_concurrency_Then_it_ships_once_with_no_failures_and_one_begin_and_one_complete()
    {
        var processor = Processor();
        Assert.Equal(10, processor.Options.MaxConcurrency);

        var result = await processor.ProcessBatchAsync(
            SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1"), SqsEvents.OrderRecord("m-2", "o-1"), SqsEvents.OrderRecord("m-3", "o-1")),
            LambdaContexts.Create());

        Assert.Empty(result.Response.BatchItemFailures);
        Assert.Equal(1, _shipments["o-1"]);
        Assert.Equal(1, result.Records.Count(r => r.Status == SqsRecordStatus.Succeeded));
        Assert.Equal(2, result.Records.Count(r => r.Status == SqsRecordStatus.Replayed));
        Assert.Single(result.Records.Select(r => r.IdempotencyKey).Distinct());
        Assert.Equal(1, _calls["TryBeginAsync"]);
        Assert.Equal(1, _calls["CompleteAsync"]);
        Assert.Equal(2, _calls.Total);
    }

    [Fact]
    public async Task Given_copies_among_other_orders_When_processed_Then_each_order_ships_once_and_copies_replay_the_leaders_response()
    {
        var processor = Processors.OrderBuilder(_store).Handle<string>(async (order, ct) =>
        {
            await Task.Delay(HandlerTime, ct);
            _shipments.Record(order.OrderId);
            return "label-" + order.OrderId;
        });

        var result = await processor.ProcessBatchAsync(
            SqsEvents.Of(
                SqsEvents.OrderRecord("m-1", "o-1"),
                SqsEvents.OrderRecord("m-2", "o-2"),
                SqsEvents.OrderRecord("m-3", "o-1"),
                SqsEvents.OrderRecord("m-4", "o-3"),
                SqsEvents.OrderRecord("m-5", "o-2")),
            LambdaContexts.Create());

        Assert.Empty(result.Response.BatchItemFailures);
        Assert.Equal(3, _shipments.Total);
        Assert.Equal(["label-o-1", "label-o-2", "label-o-1", "label-o-3", "label-o-2"], result.Records.Select(r => r.Response));
        Assert.Equal(3, _calls["TryBeginAsync"]);
    }

    [Fact]
    public async Task Given_the_first_copy_fails_When_the_batch_runs_Then_every_copy_fails_with_it_and_the_handler_ran_once()
    {
        var attempts = 0;
        var processor = Processor(order =>
        {
            Interlocked.Increment(ref attempts);
            return FailOn("o-1", order);
        });

        var result = await processor.ProcessBatchAsync(
            SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1"), SqsEvents.OrderRecord("m-2", "o-1"), SqsEvents.OrderRecord("m-3", "o-1"), SqsEvents.OrderRecord("m-4", "o-2")),
            LambdaContexts.Create());

        Assert.Equal(2, attempts);
        Assert.Equal(["m-1", "m-2", "m-3"], result.Response.BatchItemFailures.Select(f => f.ItemIdentifier));
        Assert.All(result.Records.Take(3), r =>
        {
            Assert.Equal(SqsRecordFailureReason.Retry, r.Reason);
            Assert.IsType<InvalidOperationException>(r.Error);
            Assert.NotNull(r.IdempotencyKey);
        });
        Assert.Equal(1, _shipments["o-2"]);
        Assert.Equal(2, _calls["TryBeginAsync"]);
        Assert.Equal(1, _calls["ReleaseAsync"]);
    }

    [Fact]
    public async Task Given_same_key_records_with_different_validated_payloads_When_processed_at_default_concurrency_Then_the_records_disagreeing_with_the_one_that_ran_fail_as_validation_mismatches()
    {
        var processor = Processor(configure: b => b.WithIdempotency(o => o.PayloadValidationJmesPath = "amount"));

        var result = await processor.ProcessBatchAsync(
            SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1", amount: 10m), SqsEvents.OrderRecord("m-2", "o-1", amount: 99m), SqsEvents.OrderRecord("m-3", "o-1", amount: 10m)),
            LambdaContexts.Create());

        // Records run concurrently, so whichever starts first runs the order; the records whose amount differs from
        // it are the mismatches: m-2 alone, or m-1 and m-3 when m-2 won the race. Never both amounts, never a silent pass.
        var failed = result.Response.BatchItemFailures.Select(f => f.ItemIdentifier).Order().ToList();
        Assert.True(failed is ["m-2"] or ["m-1", "m-3"], string.Join(", ", failed));
        Assert.All(result.Records.Where(r => failed.Contains(r.MessageId)), r =>
        {
            Assert.Equal(SqsRecordFailureReason.Poison, r.Reason);
            Assert.IsType<Exceptions.IdempotencyValidationException>(r.Error);
        });
        Assert.Equal(1, _shipments["o-1"]);
    }

    [Fact]
    public async Task Given_a_copy_later_in_its_fifo_group_When_the_batch_runs_Then_it_replays_in_its_position_and_the_group_goes_on()
    {
        var processor = Processor();

        var result = await processor.ProcessBatchAsync(
            SqsEvents.Of(
                SqsEvents.FifoRecord("a1", "a", SqsEvents.OrderJson("o-1")),
                SqsEvents.FifoRecord("a2", "a", SqsEvents.OrderJson("o-1")),
                SqsEvents.FifoRecord("a3", "a", SqsEvents.OrderJson("o-2"))),
            LambdaContexts.Create());

        Assert.True(result.IsFifo);
        Assert.Empty(result.Response.BatchItemFailures);
        Assert.Equal([SqsRecordStatus.Succeeded, SqsRecordStatus.Replayed, SqsRecordStatus.Succeeded], result.Records.Select(r => r.Status));
        Assert.Equal(["o-1", "o-2"], _shipments.Order);
        Assert.Equal(2, _calls["TryBeginAsync"]);
    }

    [Fact]
    public async Task Given_copies_in_two_fifo_groups_When_the_batch_runs_Then_the_order_ships_once_and_each_group_keeps_its_order()
    {
        var processor = Processor();

        // Group a: o-1, o-X. Group b: o-X, o-3. Whichever record of o-X starts first runs it; the other waits in its place.
        var result = await processor.ProcessBatchAsync(
            SqsEvents.Of(
                SqsEvents.FifoRecord("a1", "a", SqsEvents.OrderJson("o-1")),
                SqsEvents.FifoRecord("b1", "b", SqsEvents.OrderJson("o-X")),
                SqsEvents.FifoRecord("a2", "a", SqsEvents.OrderJson("o-X")),
                SqsEvents.FifoRecord("b2", "b", SqsEvents.OrderJson("o-3"))),
            LambdaContexts.Create());

        Assert.Empty(result.Response.BatchItemFailures);
        Assert.Equal(1, _shipments["o-X"]);
        Assert.Equal(1, result.Records.Count(r => r.Status == SqsRecordStatus.Replayed));
        var shipped = _shipments.Order.ToList();
        Assert.True(shipped.IndexOf("o-X") < shipped.IndexOf("o-3"), string.Join(",", shipped));
        Assert.Equal(3, _calls["TryBeginAsync"]);
    }

    [Fact]
    public async Task Given_a_failing_key_copied_into_another_fifo_group_When_the_batch_runs_Then_both_copies_fail_and_the_rest_of_both_groups_is_not_started()
    {
        var attempts = 0;
        var processor = Processor(order =>
        {
            if (order.OrderId == "o-X")
            {
                Interlocked.Increment(ref attempts);
            }

            return FailOn("o-X", order);
        });

        var result = await processor.ProcessBatchAsync(
            SqsEvents.Of(
                SqsEvents.FifoRecord("a1", "a", SqsEvents.OrderJson("o-X")),
                SqsEvents.FifoRecord("a2", "a", SqsEvents.OrderJson("o-2")),
                SqsEvents.FifoRecord("b1", "b", SqsEvents.OrderJson("o-1")),
                SqsEvents.FifoRecord("b2", "b", SqsEvents.OrderJson("o-X")),
                SqsEvents.FifoRecord("b3", "b", SqsEvents.OrderJson("o-3"))),
            LambdaContexts.Create());

        Assert.Equal(1, attempts);
        Assert.Equal(["a1", "a2", "b2", "b3"], result.Response.BatchItemFailures.Select(f => f.ItemIdentifier));
        Assert.Equal(SqsRecordFailureReason.Retry, result.Records[0].Reason);
        Assert.Equal(SqsRecordFailureReason.PreviousFailureInGroup, result.Records[1].Reason);
        Assert.Equal(SqsRecordStatus.Succeeded, result.Records[2].Status);
        Assert.Equal(SqsRecordFailureReason.Retry, result.Records[3].Reason);
        Assert.Equal(SqsRecordFailureReason.PreviousFailureInGroup, result.Records[4].Reason);
        Assert.Equal(["o-1"], _shipments.Order);
    }

    [Fact]
    public async Task Given_copies_and_FailRestOfBatch_When_the_first_copy_fails_Then_every_later_record_fails_without_running()
    {
        var attempts = 0;
        var processor = Processor(
            order =>
            {
                Interlocked.Increment(ref attempts);
                return FailOn("o-X", order);
            },
            b => b.Configure(o => o.FifoFailureMode = FifoFailureMode.FailRestOfBatch));

        var result = await processor.ProcessBatchAsync(
            SqsEvents.Of(
                SqsEvents.FifoRecord("a1", "a", SqsEvents.OrderJson("o-1")),
                SqsEvents.FifoRecord("b1", "b", SqsEvents.OrderJson("o-X")),
                SqsEvents.FifoRecord("a2", "a", SqsEvents.OrderJson("o-X"))),
            LambdaContexts.Create());

        Assert.Equal(2, attempts);
        Assert.Equal(["b1", "a2"], result.Response.BatchItemFailures.Select(f => f.ItemIdentifier));
        Assert.Equal(SqsRecordFailureReason.PreviousFailureInBatch, result.Records[2].Reason);
    }
}
