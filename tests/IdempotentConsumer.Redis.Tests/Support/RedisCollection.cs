using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;

namespace IdempotentConsumer.Redis.Tests.Support;

/// <summary>Every test that needs Redis shares one redis-server for the run.</summary>
[CollectionDefinition(EmulatorCollections.Redis)]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>;

/// <summary>The Garnet conformance run shares one Garnet server.</summary>
[CollectionDefinition(EmulatorCollections.Garnet)]
public sealed class GarnetCollection : ICollectionFixture<GarnetServerFixture>;
