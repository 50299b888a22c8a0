namespace OrderShipping.Demo.Options;

/// <summary>Everything one demo run is told on the command line.</summary>
internal sealed record DemoOptions
{
    public int Orders { get; init; } = 1000;

    public int Consumers { get; init; } = 8;

    public int Seed { get; init; } = 42;

    /// <summary>False runs the same story with the idempotency middleware left out, to show what it prevents.</summary>
    public bool Idempotency { get; init; } = true;

    public StoreKind Store { get; init; } = StoreKind.Sqlite;

    public string? DynamoDbUrl { get; init; }

    public string DynamoDbTable { get; init; } = "order-shipping-idempotency";

    /// <summary>The Redis server of <see cref="StoreKind.Redis"/>, as a StackExchange.Redis configuration string.</summary>
    public string? RedisUrl { get; init; }

    /// <summary>The database of <see cref="StoreKind.PostgreSql"/>, as an Npgsql connection string.</summary>
    public string? PostgresUrl { get; init; }

    public QueueKind Queue { get; init; } = QueueKind.InProcess;

    public string? SqsUrl { get; init; }

    public ConsumerKind Consumer { get; init; } = ConsumerKind.Worker;

    /// <summary>A FIFO queue fed by the idempotent SQS sender: a retried send carries the key-derived deduplication id.</summary>
    public bool Fifo { get; init; }

    /// <summary>Share of orders the producer sends again because its first send "timed out".</summary>
    public double DuplicateSendRate { get; init; } = 0.08;

    /// <summary>Share of orders whose first handling crashes the consumer after the shipping call, before completion.</summary>
    public double CrashRate { get; init; } = 0.03;

    /// <summary>Share of orders whose first handling outlasts the visibility timeout, so the queue redelivers them meanwhile.</summary>
    public double SlowRate { get; init; } = 0.02;

    /// <summary>Gives up (and reports the unshipped orders as lost) after this long.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(50);

    /// <summary>Live progress on the terminal; off for tests and redirected output.</summary>
    public bool ShowProgress { get; init; } = true;
}
