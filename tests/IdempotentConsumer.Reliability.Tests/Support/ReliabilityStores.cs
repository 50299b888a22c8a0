using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using IdempotentConsumer.DynamoDB;
using IdempotentConsumer.Sqlite;
using IdempotentConsumer.TestInfrastructure.Fixtures;

namespace IdempotentConsumer.Reliability.Tests.Support;

/// <summary>Creates the durable stores the reliability tests run on.</summary>
internal static class ReliabilityStores
{
    /// <summary>The DynamoDB table of these tests (Powertools' schema; every test uses its own keys).</summary>
    public const string DynamoDbTable = "reliability-tests";

    private static readonly ConcurrentDictionary<int, Lazy<Task>> TablesByPort = new();

    public static DynamoDbIdempotencyStoreOptions DynamoDbOptions() => new() { TableName = DynamoDbTable };

    /// <summary>A store on the fixture's emulator, its table created once; dispose the returned client with the test.</summary>
    public static async Task<(DynamoDbIdempotencyStore Store, IAmazonDynamoDB Client)> DynamoDbAsync(DynamoDbEmulatorFixture fixture)
    {
        var client = fixture.CreateDynamoDbClient();
        await TablesByPort.GetOrAdd(fixture.Port, _ => new Lazy<Task>(async () =>
        {
            using var admin = fixture.CreateDynamoDbClient();
            await DynamoDbIdempotencyTable.CreateIfNotExistsAsync(admin, DynamoDbOptions());
            await TestInfrastructure.DynamoDbTables.WaitUntilActiveAsync(admin, DynamoDbTable);
        })).Value;
        return (new DynamoDbIdempotencyStore(client, DynamoDbOptions()), client);
    }

    /// <summary>A SQLite store on a fresh database file in its own temporary folder.</summary>
    public static SqliteTestDatabase Sqlite() => new();
}

/// <summary>A SQLite store on a database file deleted (with its folder) on dispose.</summary>
internal sealed class SqliteTestDatabase : IAsyncDisposable
{
    public SqliteTestDatabase()
    {
        Folder = Path.Combine(Path.GetTempPath(), "ic-reliability", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
        FilePath = Path.Combine(Folder, "idempotency.db");
        Store = new SqliteIdempotencyStore(new SqliteIdempotencyStoreOptions { DataSource = FilePath });
    }

    public string Folder { get; }

    public string FilePath { get; }

    public SqliteIdempotencyStore Store { get; }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS temp cleaner.
        }
    }
}
