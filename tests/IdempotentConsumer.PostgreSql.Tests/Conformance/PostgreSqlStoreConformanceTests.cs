using IdempotentConsumer.PostgreSql.Tests.Support;
using IdempotentConsumer.StoreConformance;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;

namespace IdempotentConsumer.PostgreSql.Tests.Conformance;

/// <summary>The PostgreSQL store, on the application's shared data source and the default table, passes the conformance suite unchanged.</summary>
[Collection(EmulatorCollections.PostgreSql)]
public sealed class PostgreSqlStoreConformanceTests(PostgreSqlServerFixture postgres) : IdempotencyStoreConformanceTests
{
    /// <inheritdoc />
    protected override ValueTask<IIdempotencyStore> CreateStoreAsync() =>
        ValueTask.FromResult<IIdempotencyStore>(new PostgreSqlIdempotencyStore(PostgreSqlDataSources.For(postgres.ConnectionString)));
}

/// <summary>
/// The store on its own data source (from a connection string), in a schema and table of its own that it creates,
/// passes the conformance suite too.
/// </summary>
[Collection(EmulatorCollections.PostgreSql)]
public sealed class PostgreSqlOwnedDataSourceConformanceTests(PostgreSqlServerFixture postgres) : IdempotencyStoreConformanceTests
{
    /// <inheritdoc />
    protected override ValueTask<IIdempotencyStore> CreateStoreAsync() =>
        ValueTask.FromResult<IIdempotencyStore>(new PostgreSqlIdempotencyStore(new PostgreSqlIdempotencyStoreOptions
        {
            ConnectionString = postgres.ConnectionString,
            SchemaName = "conformance",
            TableName = "Records With Spaces",
        }));
}
