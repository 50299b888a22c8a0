using IdempotentConsumer.Redis;
using IdempotentConsumer.Reliability.Tests.Support;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Reliability.Tests.Storm;

/// <summary>The storm suite on the Redis store, against a real redis-server started by the test run.</summary>
[Collection(EmulatorCollections.Redis)]
public sealed class RedisStormTests(RedisServerFixture fixture, ITestOutputHelper output) : StormSuite(output)
{
    /// <inheritdoc />
    protected override ValueTask<IIdempotencyStore> CreateStoreAsync() =>
        // Some storms run on a fake clock that races ahead of redis-server's own; the margin keeps Redis' TTL from
        // removing a record the storm still holds, so the storm tests the scripts' fencing (RedisExpiryTests covers TTLs).
        ValueTask.FromResult<IIdempotencyStore>(new RedisIdempotencyStore(new RedisIdempotencyStoreOptions
        {
            ConnectionString = fixture.ConnectionString,
            KeyPrefix = $"storm-{Guid.NewGuid():N}:",
            ExpiryMargin = TimeSpan.FromMinutes(10),
        }));
}
