using System.Text.Json;
using Amazon.DynamoDBv2;
using IdempotentConsumer.DynamoDB.Tests.Support;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using IdempotentConsumer.TestInfrastructure.Peers;
using Xunit;

namespace IdempotentConsumer.DynamoDB.Tests.Behaviour;

/// <summary>
/// Powertools interop mode, side by side with the real peer: Powertools for AWS Lambda (TypeScript) 2.35.0 run as a
/// node process on the same DynamoDB Local table, with the same payloads, key path and validation path.
/// </summary>
[Collection(EmulatorCollections.DynamoDbLocal)]
public sealed class PowertoolsInteropTests(DynamoDbLocalFixture fixture) : IAsyncLifetime, IDisposable
{
    private const string FunctionName = "orders-fn";
    private const string KeyPath = "order";
    private const string ValidationPath = "amount";

    private static readonly DynamoDbIdempotencyStoreOptions StoreOptions = new() { TableName = "idempotency-interop", PowertoolsInterop = true };

    private readonly AmazonDynamoDBClient _client = fixture.CreateDynamoDbClient();
    private int _ourExecutions;

    private PowertoolsPeer Peer => new(fixture, StoreOptions.TableName, FunctionName, KeyPath, ValidationPath);

    public Task InitializeAsync() => TestTables.EnsureAsync(fixture, StoreOptions);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Given_a_record_completed_by_Powertools_When_our_consumer_gets_the_same_payload_Then_it_replays_the_peer_result_without_running()
    {
        var payload = Payload();
        var peer = await Peer.RunAsync(payload);

        var ours = await Executor().ExecuteAsync<string, OrderResult>(payload, Handle);

        Assert.Equal(("executed", 1), (peer.Outcome, peer.Executions));
        Assert.Equal(0, _ourExecutions);
        Assert.Equal(new OrderResult("powertools", OrderId(payload), 12.5m), ours);
    }

    [Fact]
    public async Task Given_a_record_completed_by_our_consumer_When_Powertools_gets_the_same_payload_Then_it_replays_our_result_without_running()
    {
        var payload = Payload();
        var executor = Executor();
        var ours = await executor.ExecuteAsync<string, OrderResult>(payload, Handle);

        var peer = await Peer.RunAsync(payload);

        Assert.True(executor.TryGetKey(new IdempotencyInvocation<string>(payload), out var key));
        var item = await Items.ReadAsync(_client, StoreOptions.TableName, Items.Key("id", key));
        Assert.NotNull(item?["data"].M); // a native map, as Powertools' marshall writes a result
        Assert.Equal("COMPLETED", item!["status"].S);
        Assert.Equal(("replayed", 0, null), (peer.Outcome, peer.Executions, peer.Error));
        Assert.Equal(ours, peer.Result!.Value.Deserialize<OrderResult>(Serialization.IdempotencyJsonDefaults.Web));
        Assert.Equal("dotnet", ours.HandledBy);
    }

    [Fact]
    public async Task Given_Powertools_is_running_a_payload_When_our_consumer_gets_it_Then_it_is_blocked_as_in_progress_and_does_not_run()
    {
        var payload = Payload();
        await using var running = await Peer.StartAsync(payload, hold: TimeSpan.FromSeconds(4));
        await running.WaitForLineAsync(line => line.Contains("\"started\"", StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        var blocked = await Assert.ThrowsAsync<IdempotencyAlreadyInProgressException>(
            async () => await Executor().ExecuteAsync<string, OrderResult>(payload, Handle));
        var peer = await PowertoolsPeer.FinishAsync(running);

        Assert.NotNull(blocked);
        Assert.Equal(0, _ourExecutions);
        Assert.Equal(("executed", 1), (peer.Outcome, peer.Executions));
    }

    [Fact]
    public async Task Given_our_consumer_is_running_a_payload_When_Powertools_gets_it_Then_it_is_blocked_as_in_progress_and_later_replays_our_result()
    {
        var payload = Payload();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ours = Executor().ExecuteAsync<string, OrderResult>(payload, async (body, ct) =>
        {
            started.SetResult();
            await release.Task.WaitAsync(ct);
            return await Handle(body, ct);
        }).AsTask();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var whileRunning = await Peer.RunAsync(payload);
        release.SetResult();
        var result = await ours;
        var afterwards = await Peer.RunAsync(payload);

        Assert.Equal(("in-progress", 0), (whileRunning.Outcome, whileRunning.Executions));
        Assert.Equal(("replayed", 0), (afterwards.Outcome, afterwards.Executions));
        Assert.Equal(result, afterwards.Result!.Value.Deserialize<OrderResult>(Serialization.IdempotencyJsonDefaults.Web));
        Assert.Equal(1, _ourExecutions);
    }

    /// <summary>
    /// The key is an object with mixed-case members, so the key only matches if ours sorts them as Powertools'
    /// deepSort does and prints them as JSON.stringify does.
    /// </summary>
    private static string Payload() =>
        $$$"""{"amount":12.5,"order":{"region":"eu","id":"{{{Guid.NewGuid():N}}}","Customer":"c-17","Zone":"z1","lines":[2,1.5,1e-7]}}""";

    private static string OrderId(string payload)
    {
        using var document = JsonDocument.Parse(payload);
        return document.RootElement.GetProperty("order").GetProperty("id").GetString()!;
    }

    private IdempotencyExecutor Executor() => new(
        new DynamoDbIdempotencyStore(_client, StoreOptions),
        new IdempotencyOptions
        {
            KeyPrefix = FunctionName,
            KeyJmesPath = KeyPath,
            PayloadValidationJmesPath = ValidationPath,
            KeyFormat = IdempotencyKeyFormat.Powertools,
            HashAlgorithm = IdempotencyHashAlgorithm.Md5,
            ThrowOnMissingKey = true,
        });

    private ValueTask<OrderResult> Handle(string payload, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _ourExecutions);
        return ValueTask.FromResult(new OrderResult("dotnet", OrderId(payload), 12.5m));
    }

    private sealed record OrderResult(string HandledBy, string OrderId, decimal Total);
}
