using Amazon.DynamoDBv2;
using IdempotentConsumer.Reliability.Tests.Support;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Reliability.Tests.Storm;

/// <summary>The storm suite on the DynamoDB store, against DynamoDB Local.</summary>
[Collection(EmulatorCollections.DynamoDbLocal)]
public sealed class DynamoDbLocalStormTests(DynamoDbLocalFixture fixture, ITestOutputHelper output) : StormSuite(output)
{
    private IAmazonDynamoDB? _client;

    /// <inheritdoc />
    protected override async ValueTask<IIdempotencyStore> CreateStoreAsync()
    {
        var (store, client) = await ReliabilityStores.DynamoDbAsync(fixture);
        _client = client;
        return store;
    }

    /// <inheritdoc />
    public override Task DisposeAsync()
    {
        _client?.Dispose();
        return Task.CompletedTask;
    }
}
