using System.Diagnostics;
using Amazon.DynamoDBv2;
using IdempotentConsumer.DynamoDB;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Lambda.Tests.Support;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure.Fixtures;

namespace IdempotentConsumer.Lambda.Tests.Sqs;

/// <summary>
/// <see cref="IdempotencyOptions.InProgressWaitTimeout"/> set through the batch processor's <c>WithIdempotency</c>: a
/// record whose key another invocation is running waits for it instead of failing, within the invocation's deadline.
/// </summary>
[Collection(EmulatorCollections.DynamoDbLocal)]
public sealed class InProgressWaitTests : IAsyncLifetime, IDisposable
{
    private static readonly DynamoDbIdempotencyStoreOptions Table = new() { TableName = "lambda-in-progress-wait" };

    private readonly DynamoDbLocalFixture _fixture;
    private readonly AmazonDynamoDBClient _client;
    private readonly SideEffects _shipments = new();

    public InProgressWaitTests(DynamoDbLocalFixture fixture)
    {
        _fixture = fixture;
        _client = fixture.CreateDynamoDbClient();
    }

    public async Task InitializeAsync()
    {
        using var admin = _fixture.CreateDynamoDbClient();
        await DynamoDbIdempotencyTable.CreateIfNotExistsAsync(admin, Table);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Given_two_invocations_with_one_order_on_DynamoDB_Local_When_the_second_waits_for_the_first_Then_it_replays_with_no_batch_item_failure_and_the_order_ships_once()
    {
        var orderId = $"o-{Guid.NewGuid():N}";
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Processors.Shipping(new DynamoDbIdempotencyStore(_client, Table), _shipments, Waiting, async (_, _, _) =>
        {
            started.SetResult();
            await gate.Task;
        });
        var second = Processors.Shipping(new DynamoDbIdempotencyStore(_client, Table), _shipments, Waiting);

        var firstRun = first.ProcessBatchAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-1", orderId)), LambdaContexts.Create());
        await started.Task;
        var secondRun = second.ProcessBatchAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-2", orderId)), LambdaContexts.Create());
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.False(secondRun.IsCompleted);
        gate.SetResult();
        var firstResult = await firstRun;
        var secondResult = await secondRun;

        Assert.Empty(firstResult.Response.BatchItemFailures);
        Assert.Empty(secondResult.Response.BatchItemFailures);
        Assert.Equal(SqsRecordStatus.Succeeded, Assert.Single(firstResult.Records).Status);
        Assert.Equal(SqsRecordStatus.Replayed, Assert.Single(secondResult.Records).Status);
        Assert.Equal(1, _shipments[orderId]);
    }

    [Fact]
    public async Task Given_an_original_holding_the_key_past_the_deadline_When_a_waiting_invocation_runs_out_of_time_Then_it_stops_before_its_deadline_and_reports_in_progress_elsewhere()
    {
        var store = new InMemoryIdempotencyStore();
        var processor = Processors.Shipping(store, _shipments, b => b.WithIdempotency(o => o.InProgressWaitTimeout = TimeSpan.FromMinutes(1)));
        Assert.True(new Execution.IdempotencyExecutor(store, processor.IdempotencyOptions).TryGetKey(
            new Execution.IdempotencyInvocation<Order>(new Order("o-held", "u-1", "p-1", 10m)), out var key));
        var now = DateTimeOffset.UtcNow;
        Assert.True((await store.TryBeginAsync(new BeginRequest(key, "original", now, now.AddHours(1), now.AddMinutes(5), null))).Acquired);
        var deadline = TimeSpan.FromSeconds(4);
        var clock = Stopwatch.StartNew();

        var result = await processor.ProcessBatchAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-held")), LambdaContexts.Create(deadline));

        var waited = clock.Elapsed;
        var record = Assert.Single(result.Records);
        Assert.Equal(SqsRecordFailureReason.InProgressElsewhere, record.Reason);
        Assert.Equal("m-1", Assert.Single(result.Response.BatchItemFailures).ItemIdentifier);
        Assert.Equal(0, _shipments.Total);
        Assert.True(waited >= TimeSpan.FromSeconds(2), $"it gave up after {waited} instead of waiting");
        Assert.True(waited < deadline, $"it waited {waited}, past the {deadline} deadline");
    }

    private static void Waiting(SqsBatchProcessorBuilder<Order> builder) =>
        builder.WithIdempotency(o =>
        {
            o.InProgressWaitTimeout = TimeSpan.FromSeconds(30);
            o.InProgressWaitPollDelay = TimeSpan.FromMilliseconds(50);
        });
}
