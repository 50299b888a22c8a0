using System.Collections.Concurrent;
using IdempotentConsumer.TestInfrastructure.Fixtures;

namespace IdempotentConsumer.DynamoDB.Tests.Support;

/// <summary>The tables tests share (each test uses random keys), created once per emulator.</summary>
internal static class TestTables
{
    private static readonly ConcurrentDictionary<(int Port, string Table), Lazy<Task>> Created = new();

    /// <summary>A table keyed by <c>id</c> only, Powertools' default schema.</summary>
    public static DynamoDbIdempotencyStoreOptions Simple() => new() { TableName = "idempotency-tests" };

    /// <summary>A table with a composite key: a static partition value and the idempotency key as sort key.</summary>
    public static DynamoDbIdempotencyStoreOptions Composite() => new()
    {
        TableName = "idempotency-tests-composite",
        KeyAttributeName = "pk",
        SortKeyAttributeName = "sk",
        StaticPartitionKeyValue = "idempotency#orders-consumer",
    };

    /// <summary>Creates the table described by <paramref name="options"/> on the fixture's emulator, once.</summary>
    public static Task EnsureAsync(DynamoDbEmulatorFixture fixture, DynamoDbIdempotencyStoreOptions options) =>
        Created.GetOrAdd((fixture.Port, options.TableName), _ => new Lazy<Task>(async () =>
        {
            using var client = fixture.CreateDynamoDbClient();
            await DynamoDbIdempotencyTable.CreateIfNotExistsAsync(client, options);
        })).Value;
}
