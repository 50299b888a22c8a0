using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Lambda.Tests.Support;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Lambda.Tests.Sqs;

/// <summary>The batch response is the pipeline's dispositions, mapped: every unacknowledged record is a batch item failure.</summary>
public sealed class DispositionMappingTests
{
    private readonly InMemoryIdempotencyStore _store = new();
    private readonly SideEffects _shipments = new();

    [Fact]
    public async Task Given_one_record_of_each_disposition_When_the_batch_runs_Then_in_progress_poison_and_retry_are_reported_and_ack_and_replay_are_not()
    {
        var processor = Processors.Shipping(_store, _shipments, b => b.Configure(o => o.MaxConcurrency = 1), (order, _, _) =>
            order.OrderId == "o-flaky" ? throw new TimeoutException("carrier down") : ValueTask.CompletedTask);
        await processor.ProcessAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-earlier", "o-done")), LambdaContexts.Create());
        await HoldElsewhereAsync("o-held");

        var result = await processor.ProcessBatchAsync(
            SqsEvents.Of(
                SqsEvents.OrderRecord("m-ack", "o-new"),
                SqsEvents.OrderRecord("m-replay", "o-done"),
                SqsEvents.OrderRecord("m-in-progress", "o-held"),
                SqsEvents.Record("m-poison", "{not json"),
                SqsEvents.OrderRecord("m-retry", "o-flaky")),
            LambdaContexts.Create());

        Assert.Equal(["m-in-progress", "m-poison", "m-retry"], result.Response.BatchItemFailures.Select(f => f.ItemIdentifier));
        Assert.Equal(
            [SqsRecordStatus.Succeeded, SqsRecordStatus.Replayed, SqsRecordStatus.Failed, SqsRecordStatus.Failed, SqsRecordStatus.Failed],
            result.Records.Select(r => r.Status));
        Assert.Equal(
            [SqsRecordFailureReason.None, SqsRecordFailureReason.None, SqsRecordFailureReason.InProgressElsewhere, SqsRecordFailureReason.Poison, SqsRecordFailureReason.Retry],
            result.Records.Select(r => r.Reason));
        Assert.IsType<IdempotencyAlreadyInProgressException>(result.Records[2].Error);
        Assert.IsType<MessageDeserializationException>(result.Records[3].Error);
        Assert.IsType<TimeoutException>(result.Records[4].Error);
        Assert.Equal(1, _shipments["o-done"]);
    }

    private async Task HoldElsewhereAsync(string orderId)
    {
        var keys = new IdempotencyExecutor(_store, new IdempotencyOptions { KeyPrefix = "ship-orders", KeySource = Keys.IdempotencyKeySource.From<Order>(o => o.OrderId) });
        Assert.True(keys.TryGetKey(new IdempotencyInvocation<Order>(new Order(orderId, "u-1", "p-1")), out var key));
        var now = DateTimeOffset.UtcNow;
        Assert.True((await _store.TryBeginAsync(new BeginRequest(key, "another-invocation", now, now.AddHours(1), now.AddMinutes(5), null))).Acquired);
    }
}
