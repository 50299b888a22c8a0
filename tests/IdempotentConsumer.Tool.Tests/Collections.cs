using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;

namespace IdempotentConsumer.Tool.Tests;

/// <summary>Every test class using DynamoDB Local shares one emulator process.</summary>
[CollectionDefinition(EmulatorCollections.DynamoDbLocal)]
public sealed class DynamoDbLocalCollection : ICollectionFixture<DynamoDbLocalFixture>;

/// <summary>Every test class using redis-server shares one server process.</summary>
[CollectionDefinition(EmulatorCollections.Redis)]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>;
