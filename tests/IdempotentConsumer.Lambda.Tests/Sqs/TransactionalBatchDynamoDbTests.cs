using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Batching;
using IdempotentConsumer.DynamoDB;
using IdempotentConsumer.DynamoDB.Transactions;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Lambda.Tests.Support;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using IdempotentConsumer.TestInfrastructure.Instrumentation;

namespace IdempotentConsumer.Lambda.Tests.Sqs;

/// <summary>
/// Round trips of a Lambda batch in transactional mode (<c>HandleTransactionally</c>) on DynamoDB Local, counted at the
/// SDK's HTTP handler; the handler's business item is a Put in the same table, beside the idempotency records.
/// </summary>
[Collection(EmulatorCollections.DynamoDbLocal)]
public sealed class TransactionalBatchDynamoDbTests : IAsyncLifetime, IDisposable
{
    private static readonly DynamoDbIdempotencyStoreOptions Table = new() { TableName = "lambda-transactional" };

    private readonly DynamoDbLocalFixture _fixture;
    private readonly AwsCallCounter _counter = new();
    private readonly AmazonDynamoDBClient _client;
    private readonly AmazonDynamoDBClient _admin;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public TransactionalBatchDynamoDbTests(DynamoDbLocalFixture fixture)
    {
        _fixture = fixture;
        _client = fixture.CreateDynamoDbClient(_counter.Attach);
        _admin = fixture.CreateDynamoDbClient();
    }

    public Task InitializeAsync() => DynamoDbIdempotencyTable.CreateIfNotExistsAsync(_admin, Table);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _client.Dispose();
        _admin.Dispose();
    }

    private SqsBatchProcessor<Order> Processor() =>
        Processors.OrderBuilder(new DynamoDbIdempotencyStore(_client, Table))
            .WithIdempotency(o => o.BatchPrecheck = BatchPrecheckMode.Auto)
            .HandleTransactionally<DynamoDbTransactWrites>((order, writes, _) =>
            {
                writes.Add(new TransactWriteItem
                {
                    Put = new Put
                    {
                        TableName = Table.TableName,
                        Item = new() { ["id"] = new AttributeValue($"shipment#{order.OrderId}"), ["order"] = new AttributeValue(order.OrderId) },
                        // The business rule: an order ships once; a second shipment cancels the transaction.
                        ConditionExpression = "attribute_not_exists(id)",
                    },
                });
                return ValueTask.CompletedTask;
            });

    private SQSEvent Orders(int receiveCount) => SqsEvents.TenOrders(_run, receiveCount);

    private async Task<int> ShipmentsAsync()
    {
        var count = 0;
        for (var i = 0; i < 10; i++)
        {
            var item = await _admin.GetItemAsync(new GetItemRequest
            {
                TableName = Table.TableName,
                Key = new() { ["id"] = new AttributeValue($"shipment#{_run}-{i}") },
                ConsistentRead = true,
            });
            count += item.IsItemSet ? 1 : 0;
        }

        return count;
    }

    [Fact]
    public async Task Given_a_first_delivery_of_ten_new_records_When_handled_transactionally_Then_it_costs_ten_TransactWriteItems_and_no_read()
    {
        var batch = await Processor().ProcessBatchAsync(Orders(1), LambdaContexts.Create());

        Assert.All(batch.Records, r => Assert.Equal(SqsRecordStatus.Succeeded, r.Status));
        Assert.Equal(10, _counter.Total);
        Assert.Equal(10, _counter["TransactWriteItems"]);
        Assert.Equal(10, await ShipmentsAsync());
    }

    [Fact]
    public async Task Given_ten_completed_records_When_the_batch_is_redelivered_Then_it_costs_one_BatchGetItem_and_writes_nothing()
    {
        var processor = Processor();
        await processor.ProcessBatchAsync(Orders(1), LambdaContexts.Create());
        _counter.Reset();

        var batch = await processor.ProcessBatchAsync(Orders(2), LambdaContexts.Create());

        Assert.All(batch.Records, r => Assert.Equal(SqsRecordStatus.Replayed, r.Status));
        Assert.Equal(1, _counter.Total);
        Assert.Equal(1, _counter["BatchGetItem"]);
        Assert.Equal(10, await ShipmentsAsync());
    }

    [Fact]
    public async Task Given_a_record_whose_business_condition_fails_When_the_batch_runs_Then_only_that_record_fails()
    {
        await _admin.PutItemAsync(new PutItemRequest
        {
            TableName = Table.TableName,
            Item = new() { ["id"] = new AttributeValue($"shipment#{_run}-3"), ["order"] = new AttributeValue("shipped elsewhere") },
        });

        var batch = await Processor().ProcessBatchAsync(Orders(1), LambdaContexts.Create());

        var failed = Assert.Single(batch.Response.BatchItemFailures);
        Assert.Equal("m-3-1", failed.ItemIdentifier);
        Assert.Equal(9, batch.Records.Count(r => r.Status == SqsRecordStatus.Succeeded));
        Assert.Equal(10, _counter["TransactWriteItems"]);
    }
}
