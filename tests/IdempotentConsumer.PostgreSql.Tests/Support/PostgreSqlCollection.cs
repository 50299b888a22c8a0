using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;

namespace IdempotentConsumer.PostgreSql.Tests.Support;

/// <summary>Every test that needs PostgreSQL shares one server (one initdb) for the run.</summary>
[CollectionDefinition(EmulatorCollections.PostgreSql)]
public sealed class PostgreSqlCollection : ICollectionFixture<PostgreSqlServerFixture>;
