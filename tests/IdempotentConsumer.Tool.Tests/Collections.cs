using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;

namespace IdempotentConsumer.Tool.Tests;

/// <summary>Every test class using DynamoDB Local shares one emulator process.</summary>
[CollectionDefinition(EmulatorCollections.DynamoDbLocal)]
public sealed class DynamoDbLocalCollection : ICollectionFixture<DynamoDbLocalFixture>;
