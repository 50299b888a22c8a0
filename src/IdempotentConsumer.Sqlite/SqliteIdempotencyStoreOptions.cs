namespace IdempotentConsumer.Sqlite;

/// <summary>
/// Settings of <see cref="SqliteIdempotencyStore"/>. Bindable from configuration (section
/// <c>Idempotency:Sqlite</c> by convention). Set either <see cref="DataSource"/> or <see cref="ConnectionString"/>.
/// </summary>
public sealed class SqliteIdempotencyStoreOptions
{
    /// <summary>The configuration section name used by <c>AddSqliteIdempotencyStore(configuration)</c>.</summary>
    public const string SectionName = "Idempotency:Sqlite";

    /// <summary>The default table name.</summary>
    public const string DefaultTableName = "idempotency_records";

    /// <summary>
    /// A full Microsoft.Data.Sqlite connection string. Takes precedence over <see cref="DataSource"/>.
    /// Its <c>Pooling</c> keyword is ignored: the store keeps its own open connections.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The path of the database file; created (with its folder) when missing.</summary>
    public string? DataSource { get; set; }

    /// <summary>
    /// The table holding the records, created on first use. Letters, digits and underscores only, not
    /// starting with a digit. Default: <c>idempotency_records</c>.
    /// </summary>
    public string TableName { get; set; } = DefaultTableName;

    /// <summary>
    /// How long one statement waits inside SQLite for another connection's write lock
    /// (<c>PRAGMA busy_timeout</c>) before reporting the database as busy. Default: 5 seconds.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many more times a whole operation is tried after SQLite reported the database busy or locked
    /// (on top of <see cref="BusyTimeout"/>). Default: 4. Then the operation fails with
    /// <see cref="Exceptions.IdempotencyPersistenceException"/>.
    /// </summary>
    public int MaxBusyRetries { get; set; } = 4;

    /// <summary>The first backoff after a busy database; doubled per retry, with jitter. Default: 25 ms.</summary>
    public TimeSpan BusyRetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>The ceiling of the backoff between busy retries. Default: 1 second.</summary>
    public TimeSpan BusyRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many connections one store instance keeps open. Writes are serialized inside the process
    /// anyway (SQLite has one writer); extra connections let reads run beside a write. Default: 4.
    /// An in-memory database always uses one.
    /// </summary>
    public int MaxConnections { get; set; } = 4;

    /// <summary>How hard each commit is flushed to disk. Default: <see cref="SqliteSynchronousMode.Full"/>.</summary>
    public SqliteSynchronousMode Synchronous { get; set; } = SqliteSynchronousMode.Full;
}
