using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;

namespace IdempotentConsumer.Reliability.Tests.Support;

/// <summary>Every test class on DynamoDB Local shares one emulator process.</summary>
[CollectionDefinition(EmulatorCollections.DynamoDbLocal)]
public sealed class DynamoDbLocalCollection : ICollectionFixture<DynamoDbLocalFixture>;

/// <summary>Every test class on dynalite shares one emulator process.</summary>
[CollectionDefinition(EmulatorCollections.Dynalite)]
public sealed class DynaliteCollection : ICollectionFixture<DynaliteFixture>;

/// <summary>Every test class on fauxqs (SQS) shares one emulator process.</summary>
[CollectionDefinition(EmulatorCollections.Fauxqs)]
public sealed class FauxqsCollection : ICollectionFixture<FauxqsFixture>;

/// <summary>Every test class on redis-server shares one server process.</summary>
[CollectionDefinition(EmulatorCollections.Redis)]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>;

/// <summary>Every test class on PostgreSQL shares one server (one initdb).</summary>
[CollectionDefinition(EmulatorCollections.PostgreSql)]
public sealed class PostgreSqlCollection : ICollectionFixture<PostgreSqlServerFixture>;
