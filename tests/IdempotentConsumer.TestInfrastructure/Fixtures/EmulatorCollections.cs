namespace IdempotentConsumer.TestInfrastructure.Fixtures;

/// <summary>
/// Collection names for sharing one emulator per test collection. xUnit only reads collection
/// definitions from the test assembly itself, so each test project declares its own, for example:
/// <code>
/// [CollectionDefinition(EmulatorCollections.Fauxqs)]
/// public sealed class FauxqsCollection : ICollectionFixture&lt;FauxqsFixture&gt;;
/// </code>
/// </summary>
public static class EmulatorCollections
{
    /// <summary>Tests sharing one <see cref="DynamoDbLocalFixture"/>.</summary>
    public const string DynamoDbLocal = "DynamoDB Local";

    /// <summary>Tests sharing one <see cref="DynaliteFixture"/>.</summary>
    public const string Dynalite = "dynalite";

    /// <summary>Tests sharing one <see cref="FauxqsFixture"/>.</summary>
    public const string Fauxqs = "fauxqs";

    /// <summary>Tests sharing one <see cref="RedisServerFixture"/>.</summary>
    public const string Redis = "redis-server";

    /// <summary>Tests sharing one <see cref="GarnetServerFixture"/>.</summary>
    public const string Garnet = "garnet";

    /// <summary>Tests sharing one <see cref="PostgreSqlServerFixture"/>.</summary>
    public const string PostgreSql = "postgresql";
}
