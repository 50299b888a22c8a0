namespace OrderShipping.Demo.Options;

/// <summary>Where the idempotency records live.</summary>
internal enum StoreKind
{
    /// <summary>A SQLite file in the temp folder: durable, no server (the default).</summary>
    Sqlite,

    /// <summary>Process memory.</summary>
    Memory,

    /// <summary>A DynamoDB table (DynamoDB Local, dynalite or AWS).</summary>
    DynamoDb,

    /// <summary>A Redis server (redis-server, Valkey, ElastiCache) at <c>--redis-url</c>.</summary>
    Redis,

    /// <summary>A PostgreSQL database at <c>--postgres-url</c> (a connection string).</summary>
    PostgreSql,
}
