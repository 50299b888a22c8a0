using IdempotentConsumer.PostgreSql;

namespace IdempotentConsumer.Reliability.Tests.Support;

/// <summary>A PostgreSQL store on a table of its own (so a test sees only its records), on its own small data source.</summary>
internal static class PostgreSqlReliabilityStore
{
    public static PostgreSqlIdempotencyStore Create(string connectionString) => new(new PostgreSqlIdempotencyStoreOptions
    {
        ConnectionString = connectionString,
        TableName = $"reliability_{Guid.NewGuid():N}",
    });
}
