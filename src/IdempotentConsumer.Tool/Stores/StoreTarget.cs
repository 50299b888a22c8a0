using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using IdempotentConsumer.DynamoDB;
using IdempotentConsumer.Redis;
using IdempotentConsumer.Sqlite;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Tool.Cli;
using Microsoft.Data.Sqlite;
using StackExchange.Redis;

namespace IdempotentConsumer.Tool.Stores;

/// <summary>
/// The store a command works on, from <c>--store dynamodb|sqlite|redis</c> and its options. Opening checks that the
/// table exists, so a misspelt name is a clear error instead of an empty listing (or, on SQLite, a new table).
/// </summary>
internal sealed class StoreTarget : IAsyncDisposable
{
    private readonly IAsyncDisposable? _owned;

    private StoreTarget(IIdempotencyStoreAdmin admin, string description, IAsyncDisposable? owned)
    {
        Admin = admin;
        Description = description;
        _owned = owned;
    }

    public IIdempotencyStoreAdmin Admin { get; }

    /// <summary>Where the records are, in words (for logs and confirmations).</summary>
    public string Description { get; }

    public static async Task<StoreTarget> OpenAsync(ToolArguments args, CancellationToken cancellationToken)
    {
        var kind = args.RequiredOption("store", "dynamodb, sqlite or redis");
        return kind switch
        {
            "dynamodb" => await OpenDynamoDbAsync(args, cancellationToken).ConfigureAwait(false),
            "sqlite" => OpenSqlite(args),
            "redis" => await OpenRedisAsync(args).ConfigureAwait(false),
            _ => throw new UsageException($"Unknown store '{kind}': use --store dynamodb, sqlite or redis."),
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (_owned is not null)
        {
            await _owned.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<StoreTarget> OpenDynamoDbAsync(ToolArguments args, CancellationToken cancellationToken)
    {
        var options = new DynamoDbIdempotencyStoreOptions
        {
            TableName = args.RequiredOption("table", "the DynamoDB table holding the records"),
            PowertoolsInterop = args.Switch("powertools-interop"),
        };
        options.KeyAttributeName = args.Option("key-attr") ?? options.KeyAttributeName;
        options.SortKeyAttributeName = args.Option("sort-key-attr");
        options.StaticPartitionKeyValue = args.Option("partition-value");

        var endpoint = args.Option("endpoint");
        var region = args.Option("region");
        var config = new AmazonDynamoDBConfig();
        if (endpoint is not null)
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = region ?? Environment.GetEnvironmentVariable("AWS_REGION") ?? "us-east-1";
        }
        else if (region is not null)
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region);
        }

        var client = new AmazonDynamoDBClient(config);
        try
        {
            await client.DescribeTableAsync(options.TableName, cancellationToken).ConfigureAwait(false);
        }
        catch (ResourceNotFoundException)
        {
            client.Dispose();
            throw new UsageException($"DynamoDB table '{options.TableName}' does not exist{(endpoint is null ? string.Empty : $" at {endpoint}")}.");
        }
        catch
        {
            client.Dispose();
            throw;
        }

        var store = new DynamoDbIdempotencyStore(client, options);
        return new StoreTarget(store, $"dynamodb table '{options.TableName}'{(endpoint is null ? string.Empty : $" at {endpoint}")}", new ClientOwner(client));
    }

    private static StoreTarget OpenSqlite(ToolArguments args)
    {
        var path = Path.GetFullPath(args.RequiredOption("database", "the SQLite file holding the records"));
        var table = args.Option("table") ?? SqliteIdempotencyStoreOptions.DefaultTableName;
        if (!File.Exists(path))
        {
            throw new UsageException($"SQLite database '{path}' does not exist.");
        }

        // The store creates its table on first use; an operator's typo must not create an empty one.
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly }.ToString()))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @name;";
            command.Parameters.AddWithValue("@name", table);
            if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                throw new UsageException($"SQLite table '{table}' does not exist in '{path}'.");
            }
        }

        var store = new SqliteIdempotencyStore(new SqliteIdempotencyStoreOptions { DataSource = path, TableName = table });
        return new StoreTarget(store, $"sqlite table '{table}' in {path}", store);
    }

    private static async Task<StoreTarget> OpenRedisAsync(ToolArguments args)
    {
        var options = new RedisIdempotencyStoreOptions { ConnectionString = args.RequiredOption("connection", "the Redis connection string (host:port,...)") };
        options.KeyPrefix = args.Option("key-prefix") ?? options.KeyPrefix;
        if (args.Option("database") is { } database)
        {
            options.Database = int.TryParse(database, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
                ? number
                : throw new UsageException($"Option --database must be a Redis database number (was '{database}').");
        }

        IConnectionMultiplexer connection;
        try
        {
            connection = await ConnectionMultiplexer.ConnectAsync(options.ConnectionString).ConfigureAwait(false);
        }
        catch (RedisConnectionException exception)
        {
            throw new UsageException($"Cannot reach Redis at '{options.ConnectionString}': {exception.Message}");
        }

        var store = new RedisIdempotencyStore(connection, options);
        return new StoreTarget(store, $"redis keys '{options.KeyPrefix}*' at {options.ConnectionString}", new MultiplexerOwner(connection));
    }

    private sealed class MultiplexerOwner(IConnectionMultiplexer connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await connection.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class ClientOwner(IDisposable client) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            client.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
