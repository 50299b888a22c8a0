using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;

namespace IdempotentConsumer.Redis.Tests.Support;

/// <summary>Every test that needs Redis shares one redis-server for the run.</summary>
[CollectionDefinition(EmulatorCollections.Redis)]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>;
