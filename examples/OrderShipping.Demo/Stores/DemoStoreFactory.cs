using Amazon.DynamoDBv2;
using Amazon.Runtime;
using IdempotentConsumer.DynamoDB;
using IdempotentConsumer.PostgreSql;
using IdempotentConsumer.Redis;
using IdempotentConsumer.Sqlite;
using IdempotentConsumer.Stores;
using OrderShipping.Demo.Options;

namespace OrderShipping.Demo.Stores;

/// <summary>Builds the store the command line chose.</summary>
internal static class DemoStoreFactory
{
    public static async Task<DemoStore> CreateAsync(DemoOptions options, CancellationToken cancellationToken) => options.Store switch
    {
        StoreKind.Memory => new DemoStore(new InMemoryIdempotencyStore(), "in-memory store"),
        StoreKind.DynamoDb => await CreateDynamoDbAsync(options, cancellationToken).ConfigureAwait(false),
        StoreKind.Redis => CreateRedis(options),
        StoreKind.PostgreSql => CreatePostgreSql(options),
        _ => CreateSqlite(),
    };

    /// <summary>A fresh database file in the temp folder: durable like a real deployment, gone after the run.</summary>
    private static DemoStore CreateSqlite()
    {
        var path = Path.Combine(Path.GetTempPath(), $"order-shipping-demo-{Guid.NewGuid():N}.db");

        // NORMAL sync: a commit survives a process crash (the failure this demo plays), not a power cut.
        var store = new SqliteIdempotencyStore(new SqliteIdempotencyStoreOptions { DataSource = path, Synchronous = SqliteSynchronousMode.Normal });
        return new DemoStore(store, "SQLite store (temp file)", async () =>
        {
            await store.DisposeAsync().ConfigureAwait(false);
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        });
    }

    /// <summary>Records of this run under a key prefix of its own, so runs never see each other's orders.</summary>
    private static DemoStore CreateRedis(DemoOptions options)
    {
        var store = new RedisIdempotencyStore(new RedisIdempotencyStoreOptions
        {
            ConnectionString = options.RedisUrl,
            KeyPrefix = $"order-shipping-demo:{Guid.NewGuid():N}:",
        });
        return new DemoStore(store, $"Redis store at {options.RedisUrl}", () => store.DisposeAsync());
    }

    /// <summary>The records table is created when missing; the run's key prefix keeps runs apart, and old records expire.</summary>
    private static DemoStore CreatePostgreSql(DemoOptions options)
    {
        var store = new PostgreSqlIdempotencyStore(new PostgreSqlIdempotencyStoreOptions { ConnectionString = options.PostgresUrl });
        return new DemoStore(store, "PostgreSQL store", () => store.DisposeAsync());
    }

    /// <summary>The table is created when missing (DynamoDB Local, dynalite or AWS); records of earlier runs expire by TTL.</summary>
    private static async Task<DemoStore> CreateDynamoDbAsync(DemoOptions options, CancellationToken cancellationToken)
    {
        var client = options.DynamoDbUrl is null
            ? new AmazonDynamoDBClient()
            : new AmazonDynamoDBClient(
                new BasicAWSCredentials("demo", "demo"),
                new AmazonDynamoDBConfig { ServiceURL = options.DynamoDbUrl, AuthenticationRegion = "us-east-1" });
        try
        {
            var storeOptions = new DynamoDbIdempotencyStoreOptions { TableName = options.DynamoDbTable };
            await DynamoDbIdempotencyTable.CreateIfNotExistsAsync(client, storeOptions, cancellationToken).ConfigureAwait(false);
            return new DemoStore(
                new DynamoDbIdempotencyStore(client, storeOptions),
                $"DynamoDB table {options.DynamoDbTable} at {options.DynamoDbUrl ?? "AWS"}",
                () =>
                {
                    client.Dispose();
                    return ValueTask.CompletedTask;
                });
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
