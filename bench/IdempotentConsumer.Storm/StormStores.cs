using Amazon.DynamoDBv2;
using IdempotentConsumer.DynamoDB;
using IdempotentConsumer.Sqlite;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure;
using IdempotentConsumer.TestInfrastructure.Fixtures;

namespace IdempotentConsumer.Storm;

/// <summary>Creates each store of the run and cleans it up afterwards.</summary>
internal static class StormStores
{
    public static IReadOnlyList<string> Names { get; } = ["in-memory", "sqlite", "dynamodb-local"];

    public static async Task<StoreUnderTest> CreateAsync(string name) => name switch
    {
        "in-memory" => new StoreUnderTest("in-memory", new InMemoryIdempotencyStore(), "process memory", () => ValueTask.CompletedTask),
        "sqlite" => CreateSqlite(),
        "dynamodb-local" => await CreateDynamoDbLocalAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown store."),
    };

    private static StoreUnderTest CreateSqlite()
    {
        var folder = Path.Combine(Path.GetTempPath(), "ic-storm", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "idempotency.db");
        var store = new SqliteIdempotencyStore(new SqliteIdempotencyStoreOptions { DataSource = file });
        return new StoreUnderTest("sqlite", store, "file, WAL, synchronous=FULL", async () =>
        {
            await store.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        });
    }

    private static async Task<StoreUnderTest> CreateDynamoDbLocalAsync()
    {
        var emulator = new DynamoDbLocalFixture();
        await emulator.InitializeAsync();
        var client = emulator.CreateDynamoDbClient();
        var options = new DynamoDbIdempotencyStoreOptions { TableName = "storm" };
        await DynamoDbIdempotencyTable.CreateIfNotExistsAsync(client, options);
        await DynamoDbTables.WaitUntilActiveAsync(client, options.TableName);
        return new StoreUnderTest("dynamodb-local", new DynamoDbIdempotencyStore(client, options), $"DynamoDB Local on {emulator.ServiceUrl}", async () =>
        {
            client.Dispose();
            await emulator.DisposeAsync();
        });
    }
}

/// <summary>One store of the run and how to clean it up.</summary>
internal sealed record StoreUnderTest(string Name, IIdempotencyStore Store, string Description, Func<ValueTask> Cleanup);
