using System.Globalization;

namespace OrderShipping.Demo.Options;

/// <summary>Reads the command line (Spectre.Console.Cli is not available here, and a dozen flags need no framework).</summary>
internal static class DemoOptionsParser
{
    public const string Usage = """
        Usage: dotnet run --project examples/OrderShipping.Demo -- [options]

          --orders N              orders to place (default 1000)
          --consumers N           consumer processes (default 8)
          --consumer KIND         worker (default: the hosted worker) | lambda (the batch processor behind
                                  the local event source mapping)
          --seed N                seed of the injected faults (default 42)
          --no-idempotency        leave idempotency out: shows the double shipments it prevents
          --store KIND            sqlite (default, temp file) | memory | dynamodb | redis | postgres
          --dynamodb-url URL      DynamoDB endpoint (DynamoDB Local, dynalite); omit for AWS
          --dynamodb-table NAME   table name (default order-shipping-idempotency; created if missing)
          --redis-url HOST:PORT   the Redis server of --store redis (required with it)
          --postgres-url CONN     the database of --store postgres, an Npgsql connection string
                                  ("Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres"; required with it)
          --queue KIND            inprocess (default) | sqs
          --sqs-url URL           SQS endpoint (fauxqs); omit for AWS. A queue is created and deleted
          --fifo                  a FIFO queue; the producer sends with IdempotentSqsSender (deduplication id =
                                  the consumer's key hash, group = the user), so SQS drops retried sends
          --duplicate-sends R     share of orders the producer sends twice (default 0.08)
          --crash-rate R          share of orders whose first handling crashes the consumer (default 0.03)
          --slow-rate R           share of orders handled slower than the visibility timeout (default 0.02)
          --timeout SECONDS       give up after this long (default 50)
          --no-progress           no live progress display
          -h, --help              this text
        """;

    /// <summary>Parses the arguments; returns null with an error (or null error and null options for --help).</summary>
    public static (DemoOptions? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        var options = new DemoOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value()
            {
                if (i + 1 >= args.Count)
                {
                    throw new FormatException($"{name} needs a value.");
                }

                return args[++i];
            }

            try
            {
                options = name switch
                {
                    "-h" or "--help" => null,
                    "--orders" => options with { Orders = PositiveInt(name, Value()) },
                    "--consumers" => options with { Consumers = PositiveInt(name, Value()) },
                    "--seed" => options with { Seed = int.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--no-idempotency" => options with { Idempotency = false },
                    "--store" => options with { Store = ParseStore(Value()) },
                    "--dynamodb-url" => options with { DynamoDbUrl = Value() },
                    "--dynamodb-table" => options with { DynamoDbTable = Value() },
                    "--redis-url" => options with { RedisUrl = Value() },
                    "--postgres-url" => options with { PostgresUrl = Value() },
                    "--queue" => options with { Queue = ParseQueue(Value()) },
                    "--sqs-url" => options with { SqsUrl = Value() },
                    "--fifo" => options with { Fifo = true },
                    "--consumer" => options with { Consumer = ParseConsumer(Value()) },
                    "--duplicate-sends" => options with { DuplicateSendRate = Rate(name, Value()) },
                    "--crash-rate" => options with { CrashRate = Rate(name, Value()) },
                    "--slow-rate" => options with { SlowRate = Rate(name, Value()) },
                    "--timeout" => options with { Timeout = TimeSpan.FromSeconds(PositiveInt(name, Value())) },
                    "--no-progress" => options with { ShowProgress = false },
                    _ => throw new FormatException($"Unknown option '{name}'."),
                };
            }
            catch (FormatException ex)
            {
                return (null, ex.Message);
            }

            if (options is null)
            {
                return (null, null);
            }
        }

        if (options.DynamoDbUrl is not null && options.Store != StoreKind.DynamoDb)
        {
            return (null, "--dynamodb-url needs --store dynamodb.");
        }

        if (options.RedisUrl is not null && options.Store != StoreKind.Redis)
        {
            return (null, "--redis-url needs --store redis.");
        }

        if (options.Store == StoreKind.Redis && options.RedisUrl is null)
        {
            return (null, "--store redis needs --redis-url (e.g. 127.0.0.1:6379).");
        }

        if (options.PostgresUrl is not null && options.Store != StoreKind.PostgreSql)
        {
            return (null, "--postgres-url needs --store postgres.");
        }

        if (options.Store == StoreKind.PostgreSql && options.PostgresUrl is null)
        {
            return (null, "--store postgres needs --postgres-url (an Npgsql connection string).");
        }

        if (options.SqsUrl is not null && options.Queue != QueueKind.Sqs)
        {
            return (null, "--sqs-url needs --queue sqs.");
        }

        return (options, null);
    }

    private static StoreKind ParseStore(string value) => value.ToLowerInvariant() switch
    {
        "sqlite" => StoreKind.Sqlite,
        "memory" or "inmemory" => StoreKind.Memory,
        "dynamodb" or "dynamo" => StoreKind.DynamoDb,
        "redis" => StoreKind.Redis,
        "postgres" or "postgresql" => StoreKind.PostgreSql,
        _ => throw new FormatException($"--store must be sqlite, memory, dynamodb, redis or postgres, not '{value}'."),
    };

    private static QueueKind ParseQueue(string value) => value.ToLowerInvariant() switch
    {
        "inprocess" or "in-process" or "memory" => QueueKind.InProcess,
        "sqs" => QueueKind.Sqs,
        _ => throw new FormatException($"--queue must be inprocess or sqs, not '{value}'."),
    };

    private static ConsumerKind ParseConsumer(string value) => value.ToLowerInvariant() switch
    {
        "worker" => ConsumerKind.Worker,
        "lambda" => ConsumerKind.Lambda,
        _ => throw new FormatException($"--consumer must be worker or lambda, not '{value}'."),
    };

    private static int PositiveInt(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed > 0
            ? parsed
            : throw new FormatException($"{name} must be a positive whole number, not '{value}'.");

    private static double Rate(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && parsed is >= 0 and <= 1
            ? parsed
            : throw new FormatException($"{name} must be between 0 and 1, not '{value}'.");
}
