using IdempotentConsumer.Reliability.Tests.Support;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Reliability.Tests.Storm;

/// <summary>The storm suite on the PostgreSQL store, against a real PostgreSQL 15 started by the test run.</summary>
[Collection(EmulatorCollections.PostgreSql)]
public sealed class PostgreSqlStormTests(PostgreSqlServerFixture fixture, ITestOutputHelper output) : StormSuite(output)
{
    /// <inheritdoc />
    protected override ValueTask<IIdempotencyStore> CreateStoreAsync() =>
        ValueTask.FromResult<IIdempotencyStore>(PostgreSqlReliabilityStore.Create(fixture.ConnectionString));
}
