using IdempotentConsumer.DynamoDB.Tests.Support;
using IdempotentConsumer.StoreConformance;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Amazon.DynamoDBv2;

namespace IdempotentConsumer.DynamoDB.Tests.Conformance;

/// <summary>The core's conformance suite, unchanged, against a DynamoDB emulator.</summary>
public abstract class DynamoDbConformanceTests(DynamoDbEmulatorFixture fixture, DynamoDbIdempotencyStoreOptions options)
    : IdempotencyStoreConformanceTests
{
    private AmazonDynamoDBClient? _client;

    /// <inheritdoc />
    protected override async ValueTask<IIdempotencyStore> CreateStoreAsync()
    {
        await TestTables.EnsureAsync(fixture, options);
        _client = fixture.CreateDynamoDbClient();
        return new DynamoDbIdempotencyStore(_client, options);
    }

    /// <inheritdoc />
    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _client?.Dispose();
    }
}
