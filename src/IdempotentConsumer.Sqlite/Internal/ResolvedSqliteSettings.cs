using System.Globalization;
using System.Text.RegularExpressions;
using IdempotentConsumer.Exceptions;
using Microsoft.Data.Sqlite;

namespace IdempotentConsumer.Sqlite.Internal;

/// <summary>The options checked once and turned into what the connections and statements need.</summary>
internal sealed partial class ResolvedSqliteSettings
{
    private ResolvedSqliteSettings(SqliteIdempotencyStoreOptions options, string connectionString, bool isMemory, string? filePath)
    {
        ConnectionString = connectionString;
        IsMemory = isMemory;
        FilePath = filePath;
        TableName = options.TableName;
        BusyTimeout = options.BusyTimeout;
        MaxBusyRetries = options.MaxBusyRetries;
        BusyRetryBaseDelay = options.BusyRetryBaseDelay;
        BusyRetryMaxDelay = options.BusyRetryMaxDelay;
        MaxConnections = isMemory ? 1 : options.MaxConnections;
        Synchronous = options.Synchronous;
    }

    public string ConnectionString { get; }

    /// <summary>True for <c>:memory:</c> or <c>Mode=Memory</c>: no WAL, and one connection (each would see its own database).</summary>
    public bool IsMemory { get; }

    public string? FilePath { get; }

    public string TableName { get; }

    public TimeSpan BusyTimeout { get; }

    public int MaxBusyRetries { get; }

    public TimeSpan BusyRetryBaseDelay { get; }

    public TimeSpan BusyRetryMaxDelay { get; }

    public int MaxConnections { get; }

    public SqliteSynchronousMode Synchronous { get; }

    /// <summary>The busy timeout in whole milliseconds, as the pragma takes it.</summary>
    public string BusyTimeoutMilliseconds =>
        ((long)Math.Ceiling(BusyTimeout.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);

    public static ResolvedSqliteSettings From(SqliteIdempotencyStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        new SqliteIdempotencyStoreOptionsValidator().ThrowIfInvalid(options);
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = !string.IsNullOrWhiteSpace(options.ConnectionString)
                ? new SqliteConnectionStringBuilder(options.ConnectionString)
                : !string.IsNullOrWhiteSpace(options.DataSource)
                    ? new SqliteConnectionStringBuilder { DataSource = options.DataSource }
                    : throw new IdempotencyConfigurationException(
                        "The SQLite idempotency store needs a database: set DataSource (a file path) or ConnectionString.");
        }
        catch (ArgumentException exception)
        {
            throw new IdempotencyConfigurationException($"The SQLite connection string is invalid: {exception.Message}", exception);
        }

        if (builder.Mode == SqliteOpenMode.ReadOnly)
        {
            throw new IdempotencyConfigurationException("The SQLite idempotency store writes records: a read-only connection cannot serve it.");
        }

        // The store keeps its own open connections; the driver's pool would only keep files open after disposal.
        builder.Pooling = false;

        // The driver retries a busy statement itself until its command timeout (0 would mean forever); keep that
        // loop about as long as SQLite's own busy_timeout so the store's bounded retry decides what happens next.
        builder.DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds));
        var isMemory = builder.Mode == SqliteOpenMode.Memory
            || string.Equals(builder.DataSource, ":memory:", StringComparison.Ordinal)
            || string.IsNullOrEmpty(builder.DataSource);
        string? filePath = null;
        if (!isMemory && !builder.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            filePath = Path.GetFullPath(builder.DataSource);
            builder.DataSource = filePath;
        }

        return new ResolvedSqliteSettings(options, builder.ToString(), isMemory, filePath);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TableNamePattern();

    public static bool IsValidTableName(string? name) => !string.IsNullOrWhiteSpace(name) && TableNamePattern().IsMatch(name);
}
