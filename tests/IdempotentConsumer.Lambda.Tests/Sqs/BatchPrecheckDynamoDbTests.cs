using Amazon.DynamoDBv2;
using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Batching;
using IdempotentConsumer.DynamoDB;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Lambda.Tests.Support;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using IdempotentConsumer.TestInfrastructure.Instrumentation;

namespace IdempotentConsumer.Lambda.Tests.Sqs;

/// <summary>DynamoDB Local collection for this assembly.</summary>
[CollectionDefinition(EmulatorCollections.DynamoDbLocal)]
public sealed class DynamoDbLocalCollection : ICollectionFixture<DynamoDbLocalFixture>;

/// <summary>
/// Round trips of a Lambda batch on DynamoDB Local, counted at the SDK's HTTP handler: the goals of the batch pre-check.
/// </summary>
[Collection(EmulatorCollections.DynamoDbLocal)]
public sealed class BatchPrecheckDynamoDbTests : IAsyncLifetime, IDisposable
{
    private static readonly DynamoDbIdempotencyStoreOptions Table = new() { TableName = "lambda-precheck" };

    private readonly DynamoDbLocalFixture _fixture;
    private readonly AwsCallCounter _counter = new();
    private readonly AmazonDynamoDBClient _client;
    private readonly SideEffects _shipments = new();
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public BatchPrecheckDynamoDbTests(DynamoDbLocalFixture fixture)
    {
        _fixture = fixture;
        _client = fixture.CreateDynamoDbClient(_counter.Attach);
    }

    public async Task InitializeAsync()
    {
        using var admin = _fixture.CreateDynamoDbClient();
        await DynamoDbIdempotencyTable.CreateIfNotExistsAsync(admin, Table);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _client.Dispose();

    private SqsBatchProcessor<Order> Processor(BatchPrecheckMode mode) =>
        Processors.Shipping(new DynamoDbIdempotencyStore(_client, Table), _shipments, b => b.WithIdempotency(o => o.BatchPrecheck = mode));

    private SQSEvent Orders(int receiveCount) => SqsEvents.TenOrders(_run, receiveCount);

    [Fact]
    public async Task Given_a_batch_of_ten_completed_duplicates_When_redelivered_Then_it_costs_exactly_one_BatchGetItem()
    {
        var processor = Processor(BatchPrecheckMode.Auto);
        await processor.ProcessBatchAsync(Orders(1), LambdaContexts.Create());
        _counter.Reset();

        var batch = await processor.ProcessBatchAsync(Orders(2), LambdaContexts.Create());

        Assert.All(batch.Records, r => Assert.Equal(SqsRecordStatus.Replayed, r.Status));
        Assert.Equal(1, _counter.Total);
        Assert.Equal(1, _counter["BatchGetItem"]);
        Assert.Equal(10, _shipments.Total);
    }

    [Fact]
    public async Task Given_a_batch_of_ten_new_records_When_auto_skips_the_read_Then_it_costs_at_most_twenty_calls()
    {
        var batch = await Processor(BatchPrecheckMode.Auto).ProcessBatchAsync(Orders(1), LambdaContexts.Create());

        Assert.All(batch.Records, r => Assert.Equal(SqsRecordStatus.Succeeded, r.Status));
        Assert.Equal(0, _counter["BatchGetItem"]);
        Assert.True(_counter.Total <= 20, _counter.ToString());
    }

    [Fact]
    public async Task Given_a_batch_of_ten_new_records_When_the_read_is_taken_Then_it_costs_at_most_twenty_calls_plus_the_read()
    {
        var batch = await Processor(BatchPrecheckMode.Always).ProcessBatchAsync(Orders(1), LambdaContexts.Create());

        Assert.All(batch.Records, r => Assert.Equal(SqsRecordStatus.Succeeded, r.Status));
        Assert.Equal(1, _counter["BatchGetItem"]);
        Assert.True(_counter.Total <= 21, _counter.ToString());
        Assert.Equal(10, _shipments.Total);
    }
}
