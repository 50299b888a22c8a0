using IdempotentConsumer.Redis.Tests.Support;
using IdempotentConsumer.StoreConformance;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;

namespace IdempotentConsumer.Redis.Tests.Conformance;

/// <summary>The Redis store, on the application's shared multiplexer, passes the conformance suite unchanged.</summary>
[Collection(EmulatorCollections.Redis)]
public sealed class RedisStoreConformanceTests(RedisServerFixture redis) : IdempotencyStoreConformanceTests
{
    /// <inheritdoc />
    protected override async ValueTask<IIdempotencyStore> CreateStoreAsync() =>
        new RedisIdempotencyStore(await RedisConnections.SharedAsync(redis.ConnectionString));
}

/// <summary>
/// The store on its own connection (from a connection string), in another database with another key prefix and no
/// expiry margin, passes the conformance suite too.
/// </summary>
[Collection(EmulatorCollections.Redis)]
public sealed class RedisOwnedConnectionConformanceTests(RedisServerFixture redis) : IdempotencyStoreConformanceTests
{
    /// <inheritdoc />
    protected override ValueTask<IIdempotencyStore> CreateStoreAsync() =>
        ValueTask.FromResult<IIdempotencyStore>(new RedisIdempotencyStore(new RedisIdempotencyStoreOptions
        {
            ConnectionString = redis.ConnectionString,
            Database = 3,
            KeyPrefix = "{conformance}:",
            ExpiryMargin = TimeSpan.Zero,
        }));
}

/// <summary>
/// The store passes the conformance suite on Microsoft Garnet too (Lua enabled, scripts run as transactions), through
/// the same StackExchange.Redis client.
/// </summary>
[Collection(EmulatorCollections.Garnet)]
public sealed class GarnetStoreConformanceTests(GarnetServerFixture garnet) : IdempotencyStoreConformanceTests
{
    /// <inheritdoc />
    protected override async ValueTask<IIdempotencyStore> CreateStoreAsync() =>
        new RedisIdempotencyStore(await RedisConnections.SharedAsync(garnet.ConnectionString));
}
