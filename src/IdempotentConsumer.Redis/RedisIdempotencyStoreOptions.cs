namespace IdempotentConsumer.Redis;

/// <summary>
/// Where and how the Redis store keeps records. Bindable from configuration (section <see cref="SectionName"/>).
/// Each record is one Redis hash at <see cref="KeyPrefix"/> followed by the idempotency key.
/// </summary>
public sealed class RedisIdempotencyStoreOptions
{
    /// <summary>The configuration section bound by <c>AddRedisIdempotencyStore(configuration)</c>.</summary>
    public const string SectionName = "Idempotency:Redis";

    /// <summary>
    /// A StackExchange.Redis configuration string (<c>host:port,password=...,ssl=true</c>). When set, the store opens
    /// and owns its own connection, connecting on first use and reconnecting in the background
    /// (<c>abortConnect</c> is always off). Null (default): the store uses the <c>IConnectionMultiplexer</c> it is given
    /// (by the constructor, or from the DI container).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Put before every idempotency key to form the Redis key, so records stay apart from the application's other
    /// keys. Must not be empty. Default: <c>idempotency:</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "idempotency:";

    /// <summary>
    /// The logical database number; -1 (default) uses the connection's default database (0 unless the connection
    /// string says otherwise). Redis Cluster, ElastiCache in cluster mode and Valkey cluster only have database 0.
    /// </summary>
    public int Database { get; set; } = -1;

    /// <summary>
    /// Added to every key's Redis TTL (never to the stored <c>expiration</c>). The TTL is computed in the caller's time
    /// frame (relative to the request's <c>now</c>, then moved by expiry deltas), so clock skew between the consumers and
    /// Redis does not shorten it; the margin covers request transit and clock drift, so Redis never deletes a record
    /// before the consumers stop counting it. Default: 1 second; at most 1 hour.
    /// </summary>
    public TimeSpan ExpiryMargin { get; set; } = TimeSpan.FromSeconds(1);
}
