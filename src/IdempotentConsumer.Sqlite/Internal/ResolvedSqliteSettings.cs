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
        if (string.IsNullOrWhiteSpace(options.TableName) || !TableNamePattern().IsMatch(options.TableName))
        {
            // The name is spliced into SQL text (identifiers cannot be parameters), so only a safe alphabet passes.
            throw new IdempotencyConfigurationException(
                $"SQLite table name '{options.TableName}' is invalid: use letters, digits and underscores, not starting with a digit (at most 128 characters).");
        }

        if (options.BusyTimeout < TimeSpan.Zero || options.BusyTimeout > TimeSpan.FromMinutes(10))
        {
            throw new IdempotencyConfigurationException($"SQLite busy timeout {options.BusyTimeout} must be between 0 and 10 minutes.");
        }

        if (options.MaxBusyRetries < 0 || options.MaxBusyRetries > 100)
        {
            throw new IdempotencyConfigurationException($"SQLite MaxBusyRetries {options.MaxBusyRetries} must be between 0 and 100.");
        }

        if (options.BusyRetryBaseDelay < TimeSpan.Zero || options.BusyRetryMaxDelay < options.BusyRetryBaseDelay)
        {
            throw new IdempotencyConfigurationException("SQLite busy retry delays must be non-negative, with the maximum not below the base.");
        }

        if (options.MaxConnections < 1 || options.MaxConnections > 64)
        {
            throw new IdempotencyConfigurationException($"SQLite MaxConnections {options.MaxConnections} must be between 1 and 64.");
        }

        if (!Enum.IsDefined(options.Synchronous))
        {
            throw new IdempotencyConfigurationException($"SQLite synchronous mode {options.Synchronous} is not supported.");
        }

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
}
