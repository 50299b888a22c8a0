using IdempotentConsumer.DynamoDB.Tests.Support;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;

namespace IdempotentConsumer.DynamoDB.Tests.Conformance;

/// <summary>Conformance on DynamoDB Local: ALL_OLD returns the blocking item with the failed write.</summary>
[Collection(EmulatorCollections.DynamoDbLocal)]
public sealed class DynamoDbLocalConformanceTests(DynamoDbLocalFixture fixture)
    : DynamoDbConformanceTests(fixture, TestTables.Simple());

/// <summary>Conformance on dynalite: no ALL_OLD, so every lost begin goes through the consistent-read fallback.</summary>
[Collection(EmulatorCollections.Dynalite)]
public sealed class DynaliteConformanceTests(DynaliteFixture fixture)
    : DynamoDbConformanceTests(fixture, TestTables.Simple());

/// <summary>Conformance on DynamoDB Local with a composite key (static partition value + key as sort key).</summary>
[Collection(EmulatorCollections.DynamoDbLocal)]
public sealed class DynamoDbLocalCompositeKeyConformanceTests(DynamoDbLocalFixture fixture)
    : DynamoDbConformanceTests(fixture, TestTables.Composite());

/// <summary>Conformance on dynalite with a composite key.</summary>
[Collection(EmulatorCollections.Dynalite)]
public sealed class DynaliteCompositeKeyConformanceTests(DynaliteFixture fixture)
    : DynamoDbConformanceTests(fixture, TestTables.Composite());
