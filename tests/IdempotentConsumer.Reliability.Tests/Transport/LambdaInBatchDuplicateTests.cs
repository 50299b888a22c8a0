using System.Text.Json;
using IdempotentConsumer.Lambda.LocalRunner;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Reliability.Tests.Support;
using IdempotentConsumer.Testing.Faults;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace IdempotentConsumer.Reliability.Tests.Transport;

/// <summary>One order three times in one Lambda batch, on DynamoDB Local: it runs once, nothing goes back to the queue.</summary>
[Collection(EmulatorCollections.DynamoDbLocal)]
public sealed class LambdaInBatchDuplicateTests(DynamoDbLocalFixture fixture)
{
    [Fact]
    public async Task Given_one_order_three_times_in_a_batch_When_processed_at_default_concurrency_on_DynamoDB_Local_Then_it_runs_once_with_no_failures_and_one_store_round_trip_each_way()
    {
        var (dynamo, client) = await ReliabilityStores.DynamoDbAsync(fixture);
        using var _ = client;
        var store = new FaultInjectingIdempotencyStore(dynamo);
        var executions = 0;
        var processor = SqsBatchProcessor.For<Order>($"in-batch-{Guid.NewGuid():N}")
            .WithStore(store)
            .WithKey(o => o.OrderId)
            .WithoutRetry()
            .WithLoggerFactory(NullLoggerFactory.Instance)
            .Handle(async (Order _, CancellationToken ct) =>
            {
                Interlocked.Increment(ref executions);
                await Task.Delay(TimeSpan.FromMilliseconds(200), ct); // the copies arrive while it runs
            });
        var body = JsonSerializer.Serialize(Order.Numbered(1), JsonSerializerOptions.Web);

        var batch = await processor.ProcessBatchAsync(
            LambdaEvents.From([("m-1", body), ("m-2", body), ("m-3", body)]),
            new LocalLambdaContext(TimeSpan.FromSeconds(30), logger: new QuietLambdaLogger()));

        Assert.Equal(10, processor.Options.MaxConcurrency);
        Assert.Equal(1, executions);
        Assert.Empty(batch.Response.BatchItemFailures!);
        Assert.Equal([SqsRecordStatus.Succeeded, SqsRecordStatus.Replayed, SqsRecordStatus.Replayed], batch.Records.Select(r => r.Status).Order());
        Assert.Equal(1, store.CountCalls(StoreOperations.Begin));
        Assert.Equal(1, store.CountCalls(StoreOperations.Complete));
        Assert.Equal(2, store.CountCalls(StoreOperations.All));
    }
}
