using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using IdempotentConsumer.DynamoDB.Transactions;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Records;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using IdempotentConsumer.TestInfrastructure.Instrumentation;
using Xunit;

namespace IdempotentConsumer.DynamoDB.Tests.Transactions;

/// <summary>
/// One-call transactional mode on DynamoDB Local (dynalite has no transactions): the business writes and the
/// COMPLETED record in one TransactWriteItems; duplicates replay from the cancellation's old item.
/// </summary>
[Collection(EmulatorCollections.DynamoDbLocal)]
public sealed class DynamoDbTransactionalExecutorTests : IAsyncLifetime, IDisposable
{
    private static readonly DynamoDbIdempotencyStoreOptions Records = new() { TableName = "tx-idempotency" };
    private static readonly DynamoDbIdempotencyStoreOptions Ledger = new() { TableName = "tx-ledger" };

    private readonly DynamoDbLocalFixture _fixture;
    private readonly AwsCallCounter _counter = new();
    private readonly AmazonDynamoDBClient _client;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public DynamoDbTransactionalExecutorTests(DynamoDbLocalFixture fixture)
    {
        _fixture = fixture;
        _client = fixture.CreateDynamoDbClient(config =>
        {
            _counter.Attach(config);
            config.MaxErrorRetry = 0; // injected failures reach the executor instead of being absorbed by the SDK
        });
    }

    public async Task InitializeAsync()
    {
        using var admin = _fixture.CreateDynamoDbClient();
        await DynamoDbIdempotencyTable.CreateIfNotExistsAsync(admin, Records);
        await DynamoDbIdempotencyTable.CreateIfNotExistsAsync(admin, Ledger);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _client.Dispose();

    private static IdempotencyOptions Options() => new() { KeyPrefix = "tx" };

    private DynamoDbTransactionalExecutor Executor(IAmazonDynamoDB? client = null) => new(client ?? _client, Records, Options());

    // The business write: a counter per order, so a double write shows as 2.
    private static TransactWriteItem Ship(string orderId) => new()
    {
        Update = new Update
        {
            TableName = Ledger.TableName,
            Key = new Dictionary<string, AttributeValue> { ["id"] = new() { S = orderId } },
            UpdateExpression = "ADD shipments :one",
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":one"] = new() { N = "1" } },
        },
    };

    private async Task<int> ShipmentsOfAsync(string orderId)
    {
        var item = (await _client.GetItemAsync(new GetItemRequest
        {
            TableName = Ledger.TableName,
            Key = new Dictionary<string, AttributeValue> { ["id"] = new() { S = orderId } },
            ConsistentRead = true,
        })).Item;
        return item is { Count: > 0 } && item.TryGetValue("shipments", out var n) ? int.Parse(n.N, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    private static ValueTask<string> ShipAsync(string orderId, DynamoDbTransactWrites writes)
    {
        writes.Add(Ship(orderId));
        return ValueTask.FromResult("shipped " + orderId);
    }

    [Fact]
    public async Task Given_a_new_message_When_executed_transactionally_Then_one_request_writes_the_business_item_and_the_completed_record()
    {
        var orderId = $"{_run}-new";
        var executor = Executor();
        _counter.Reset();

        var outcome = await executor.ExecuteAsync(new IdempotencyInvocation<string>(orderId), (id, writes, _) => ShipAsync(id, writes));

        Assert.Equal(1, _counter.Total);
        Assert.Equal(1, _counter["TransactWriteItems"]);
        Assert.Equal(IdempotencyOutcomeKind.Executed, outcome.Kind);
        Assert.Equal(1, await ShipmentsOfAsync(orderId));
        var record = await executor.Store.GetAsync(outcome.Key!);
        Assert.Equal(IdempotencyRecordStatus.Completed, record!.Status);
        Assert.Equal("\"shipped " + orderId + "\"", record.ResponseData);
        Assert.Null(record.InProgressExpiresAt);
    }

    [Fact]
    public async Task Given_a_completed_message_When_a_duplicate_commits_Then_it_replays_from_the_cancellation_reason_in_one_request_and_its_writes_never_land()
    {
        var orderId = $"{_run}-dup";
        var executor = Executor();
        await executor.ExecuteAsync(new IdempotencyInvocation<string>(orderId), (id, writes, _) => ShipAsync(id, writes));
        _counter.Reset();

        var duplicate = await executor.ExecuteAsync(new IdempotencyInvocation<string>(orderId), (id, writes, _) =>
        {
            writes.Add(Ship(id));
            return ValueTask.FromResult("second run");
        });

        Assert.Equal(IdempotencyOutcomeKind.Replayed, duplicate.Kind);
        Assert.Equal("shipped " + orderId, duplicate.Value);
        Assert.Equal(1, _counter.Total);
        Assert.Equal(1, await ShipmentsOfAsync(orderId));
    }

    [Fact]
    public async Task Given_a_record_held_in_progress_by_the_two_call_executor_When_a_transactional_duplicate_commits_Then_it_is_rejected_as_in_progress_and_writes_nothing()
    {
        var orderId = $"{_run}-held";
        var executor = Executor();
        var entered = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var holder = executor.Executor.ExecuteAsync(orderId, async (string _, CancellationToken _) =>
        {
            entered.SetResult();
            await release.Task;
            return "two-call";
        }).AsTask();
        await entered.Task;

        await Assert.ThrowsAsync<IdempotencyAlreadyInProgressException>(async () =>
            await executor.ExecuteAsync(new IdempotencyInvocation<string>(orderId), (id, writes, _) => ShipAsync(id, writes)));
        release.SetResult();
        Assert.Equal("two-call", await holder);
        Assert.Equal(0, await ShipmentsOfAsync(orderId));
    }

    [Fact]
    public async Task Given_a_handler_that_adds_more_than_99_writes_When_it_runs_Then_it_fails_before_anything_is_sent()
    {
        var executor = Executor();
        _counter.Reset();

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await executor.ExecuteAsync(new IdempotencyInvocation<string>($"{_run}-big"), (id, writes, _) =>
            {
                for (var i = 0; i <= DynamoDbTransactWrites.MaxWrites; i++)
                {
                    writes.Add(Ship($"{id}-{i}"));
                }

                return ValueTask.FromResult("never");
            }));
        Assert.Equal(0, _counter.Total);
    }

    [Fact]
    public async Task Given_a_storm_of_concurrent_duplicates_with_crashes_before_commit_and_replies_lost_after_it_When_every_message_is_redelivered_until_acknowledged_Then_no_business_item_is_written_twice_or_lost()
    {
        const int Orders = 40;
        const int Copies = 3;
        var random = new Random(1234);
        bool Roll(double p)
        {
            lock (random)
            {
                return random.NextDouble() < p;
            }
        }

        var client = ReplyLosingDynamoDb.Wrap(_client, () => Roll(0.25), out var lossy);
        var executor = Executor(client);
        var crashes = 0;
        var executed = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var orderIds = Enumerable.Range(0, Orders).Select(i => $"{_run}-storm-{i}").ToArray();

        async Task DeliverUntilAcknowledgedAsync(string orderId)
        {
            for (var delivery = 1; delivery <= 50; delivery++)
            {
                try
                {
                    var outcome = await executor.ExecuteAsync(new IdempotencyInvocation<string>(orderId), (id, writes, _) =>
                    {
                        writes.Add(Ship(id));
                        if (Roll(0.2))
                        {
                            Interlocked.Increment(ref crashes);
                            throw new InvalidOperationException("crashed before the commit (injected)");
                        }

                        return ValueTask.FromResult("shipped " + id);
                    });
                    if (outcome.Kind == IdempotencyOutcomeKind.Executed)
                    {
                        executed.AddOrUpdate(orderId, 1, (_, n) => n + 1);
                    }

                    return;
                }
                catch (Exception ex) when (ex is InvalidOperationException or IdempotencyException)
                {
                    // The message goes back to the queue and is delivered again.
                }
            }

            throw new InvalidOperationException($"{orderId} was never acknowledged");
        }

        await Task.WhenAll(orderIds.SelectMany(id => Enumerable.Range(0, Copies).Select(_ => Task.Run(() => DeliverUntilAcknowledgedAsync(id)))));

        Assert.True(crashes > 0 && lossy.Lost > 0, $"faults injected: {crashes} crashes, {lossy.Lost} lost replies");
        foreach (var orderId in orderIds)
        {
            Assert.Equal(1, await ShipmentsOfAsync(orderId));
            Assert.Equal(IdempotencyRecordStatus.Completed, (await FindRecordAsync(executor, orderId))?.Status);
        }

        Assert.True(executed.Values.All(n => n <= 1), "a message was reported executed twice");
    }

    private static async Task<IdempotencyRecord?> FindRecordAsync(DynamoDbTransactionalExecutor executor, string orderId) =>
        executor.Executor.TryGetKey(new IdempotencyInvocation<string>(orderId), out var key) ? await executor.Store.GetAsync(key) : null;
}
