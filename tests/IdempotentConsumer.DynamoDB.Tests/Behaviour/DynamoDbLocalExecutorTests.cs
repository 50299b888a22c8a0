using Amazon.DynamoDBv2;
using IdempotentConsumer.DynamoDB.Tests.Support;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;

namespace IdempotentConsumer.DynamoDB.Tests.Behaviour;

/// <summary>
/// The executor over a real DynamoDB Local store: one client per test class on the simple table, an executor keyed by
/// the shipment's order id, and a count of the shipments the handlers made.
/// </summary>
public abstract class DynamoDbLocalExecutorTests(DynamoDbLocalFixture fixture, string keyPrefix) : IAsyncLifetime
{
    private readonly AmazonDynamoDBClient _client = fixture.CreateDynamoDbClient();
    private int _shipments;

    /// <summary>How many times a handler shipped.</summary>
    protected int Shipments => Volatile.Read(ref _shipments);

    public Task InitializeAsync() => TestTables.EnsureAsync(fixture, TestTables.Simple());

    public Task DisposeAsync()
    {
        _client.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A store on the simple table.</summary>
    protected DynamoDbIdempotencyStore NewStore() => new(_client, TestTables.Simple());

    /// <summary>An executor keyed by <see cref="Shipment.OrderId"/>, as one process would have it.</summary>
    protected IdempotencyExecutor Executor(IIdempotencyStore store, Action<IdempotencyOptions>? configure = null)
    {
        var options = new IdempotencyOptions { KeyPrefix = keyPrefix, KeySource = IdempotencyKeySource.From<Shipment>(s => s.OrderId) };
        configure?.Invoke(options);
        return new IdempotencyExecutor(store, options);
    }

    /// <summary>The handler's side effect: one shipment, named by its number.</summary>
    internal string Ship() => $"shipped-{CountShipment()}";

    /// <summary>Counts a shipment; returns its number.</summary>
    internal int CountShipment() => Interlocked.Increment(ref _shipments);

    /// <summary>The message whose order id is the key.</summary>
    public sealed record Shipment(string OrderId);
}
