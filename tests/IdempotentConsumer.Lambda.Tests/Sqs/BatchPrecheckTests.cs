using IdempotentConsumer.Batching;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Lambda.Tests.Support;
using IdempotentConsumer.Stores;
using Amazon.Lambda.SQSEvents;

namespace IdempotentConsumer.Lambda.Tests.Sqs;

/// <summary>
/// The batch pre-check: the keys of a batch are read in one call before any conditional write; completed duplicates
/// are answered from that read, everything else meets the store as before. When the read is taken is the mode's call.
/// </summary>
public sealed class BatchPrecheckTests
{
    private readonly IIdempotencyStore _store;
    private readonly CountingStore _calls;
    private readonly SideEffects _shipments = new();

    public BatchPrecheckTests() => _store = CountingStore.Wrap(new InMemoryIdempotencyStore(), out _calls);

    private SqsBatchProcessor<Order> Processor(BatchPrecheckMode mode, string? validation = null) =>
        Processors.Shipping(_store, _shipments, b => b.WithIdempotency(o =>
        {
            o.BatchPrecheck = mode;
            o.PayloadValidationJmesPath = validation;
        }));

    private static SQSEvent Orders(int count, int receiveCount, string prefix = "o", decimal amount = 10m) =>
        SqsEvents.Of([.. Enumerable.Range(0, count).Select(i => SqsEvents.Record($"m-{prefix}-{i}-{receiveCount}", SqsEvents.OrderJson($"{prefix}-{i}", amount: amount), receiveCount))]);

    private async Task<CountingStore> CompleteAsync(SqsBatchProcessor<Order> processor, string prefix = "o")
    {
        await processor.ProcessBatchAsync(Orders(10, 1, prefix), LambdaContexts.Create());
        return _calls;
    }

    [Fact]
    public async Task Given_ten_completed_orders_redelivered_When_processed_in_auto_mode_Then_one_read_answers_them_all_with_no_write_and_no_handler_run()
    {
        var processor = Processor(BatchPrecheckMode.Auto);
        await CompleteAsync(processor);
        var beginsBefore = _calls["TryBeginAsync"];

        var batch = await processor.ProcessBatchAsync(Orders(10, 2), LambdaContexts.Create());

        Assert.All(batch.Records, r => Assert.Equal(SqsRecordStatus.Replayed, r.Status));
        Assert.Empty(batch.Response.BatchItemFailures);
        Assert.Equal(1, _calls["GetManyAsync"]);
        Assert.Equal(beginsBefore, _calls["TryBeginAsync"]);
        Assert.Equal(10, _shipments.Total);
    }

    [Fact]
    public async Task Given_ten_first_deliveries_with_distinct_bodies_When_processed_in_auto_mode_Then_no_read_is_taken_and_each_is_begun_once()
    {
        var batch = await Processor(BatchPrecheckMode.Auto).ProcessBatchAsync(Orders(10, 1), LambdaContexts.Create());

        Assert.All(batch.Records, r => Assert.Equal(SqsRecordStatus.Succeeded, r.Status));
        Assert.Equal(0, _calls["GetManyAsync"]);
        Assert.Equal(10, _calls["TryBeginAsync"]);
        Assert.Equal(10, _calls["CompleteAsync"]);
    }

    [Fact]
    public async Task Given_two_first_deliveries_with_the_same_body_When_processed_in_auto_mode_Then_no_read_is_taken_and_the_copy_waits_for_its_leader()
    {
        var body = SqsEvents.OrderJson("same");
        var batch = await Processor(BatchPrecheckMode.Auto).ProcessBatchAsync(
            SqsEvents.Of(SqsEvents.Record("m-1", body), SqsEvents.Record("m-2", body), SqsEvents.OrderRecord("m-3", "other")),
            LambdaContexts.Create());

        Assert.Empty(batch.Response.BatchItemFailures);
        Assert.Equal(0, _calls["GetManyAsync"]);
        Assert.Equal(2, _calls["TryBeginAsync"]);
        Assert.Equal(2, _shipments.Total);
    }

    [Fact]
    public async Task Given_ten_first_deliveries_When_processed_in_always_mode_Then_one_read_precedes_the_usual_writes()
    {
        var batch = await Processor(BatchPrecheckMode.Always).ProcessBatchAsync(Orders(10, 1), LambdaContexts.Create());

        Assert.Empty(batch.Response.BatchItemFailures);
        Assert.Equal(1, _calls["GetManyAsync"]);
        Assert.Equal(10, _calls["TryBeginAsync"]);
        Assert.Equal(10, _shipments.Total);
    }

    [Fact]
    public async Task Given_completed_orders_redelivered_When_processed_in_never_mode_Then_no_read_is_taken_and_each_meets_the_store()
    {
        var processor = Processor(BatchPrecheckMode.Never);
        await CompleteAsync(processor);

        var batch = await processor.ProcessBatchAsync(Orders(10, 2), LambdaContexts.Create());

        Assert.All(batch.Records, r => Assert.Equal(SqsRecordStatus.Replayed, r.Status));
        Assert.Equal(0, _calls["GetManyAsync"]);
        Assert.Equal(20, _calls["TryBeginAsync"]);
    }

    [Fact]
    public async Task Given_a_completed_order_redelivered_with_a_different_validated_amount_When_prechecked_Then_it_fails_validation_as_poison_with_no_write()
    {
        var processor = Processor(BatchPrecheckMode.Auto, validation: "amount");
        await CompleteAsync(processor);
        var beginsBefore = _calls["TryBeginAsync"];

        var batch = await processor.ProcessBatchAsync(Orders(10, 2, amount: 99m), LambdaContexts.Create());

        Assert.All(batch.Records, r =>
        {
            Assert.Equal(SqsRecordFailureReason.Poison, r.Reason);
            Assert.IsType<IdempotencyValidationException>(r.Error);
        });
        Assert.Equal(beginsBefore, _calls["TryBeginAsync"]);
        Assert.Equal(10, _shipments.Total);
    }

    [Fact]
    public async Task Given_a_redelivered_batch_mixing_completed_and_new_orders_When_prechecked_Then_only_the_new_ones_are_begun_and_run()
    {
        var processor = Processor(BatchPrecheckMode.Auto);
        await CompleteAsync(processor);
        var beginsBefore = _calls["TryBeginAsync"];
        var mixed = SqsEvents.Of([.. Orders(5, 2).Records, .. Orders(5, 2, prefix: "new").Records]);

        var batch = await processor.ProcessBatchAsync(mixed, LambdaContexts.Create());

        Assert.Empty(batch.Response.BatchItemFailures);
        Assert.Equal(5, batch.Records.Count(r => r.Status == SqsRecordStatus.Replayed));
        Assert.Equal(beginsBefore + 5, _calls["TryBeginAsync"]);
        Assert.Equal(15, _shipments.Total);
    }
}
