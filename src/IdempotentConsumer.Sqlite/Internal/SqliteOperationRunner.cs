using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Sqlite.Internal;

/// <summary>
/// Runs one store operation on a pooled connection: writes inside <c>BEGIN IMMEDIATE</c>, one writer at a
/// time per process, the whole operation retried with bounded, jittered backoff while SQLite reports busy.
/// </summary>
internal sealed partial class SqliteOperationRunner : IDisposable
{
    private const string BeginImmediate = "BEGIN IMMEDIATE;";
    private const string Commit = "COMMIT;";
    private const string Rollback = "ROLLBACK;";

    private readonly ResolvedSqliteSettings _settings;
    private readonly SqliteConnectionPool _pool;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    // SQLite admits one writer per file. Queueing this process's writers here, instead of letting each connection
    // spin in SQLite's sleeping busy handler, keeps in-process contention cheap; other processes still meet busy_timeout.
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private readonly string _createSchemaSql;
    private readonly SqliteColumnUpgrade? _upgrade;
    private volatile bool _schemaReady;

    public SqliteOperationRunner(ResolvedSqliteSettings settings, string createSchemaSql, TimeProvider timeProvider, ILogger logger, SqliteColumnUpgrade? upgrade = null)
    {
        _settings = settings;
        _createSchemaSql = createSchemaSql;
        _upgrade = upgrade;
        _timeProvider = timeProvider;
        _logger = logger;
        _pool = new SqliteConnectionPool(settings);
    }

    /// <summary>The journal mode SQLite reported after setup (<c>wal</c> for a file, <c>memory</c> for an in-memory database).</summary>
    public string? JournalMode { get; private set; }

    /// <summary>Runs <paramref name="body"/> in a write transaction taken with BEGIN IMMEDIATE.</summary>
    public ValueTask<T> WriteAsync<T>(string operation, string? key, Func<PooledSqliteConnection, CancellationToken, ValueTask<T>> body, CancellationToken cancellationToken) =>
        RunAsync(operation, key, write: true, body, cancellationToken);

    /// <summary>Runs <paramref name="body"/> as a plain read (one statement, its own consistent snapshot).</summary>
    public ValueTask<T> ReadAsync<T>(string operation, string? key, Func<PooledSqliteConnection, CancellationToken, ValueTask<T>> body, CancellationToken cancellationToken) =>
        RunAsync(operation, key, write: false, body, cancellationToken);

    public async ValueTask EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_schemaReady)
        {
            return;
        }

        await _schemaGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_schemaReady)
            {
                return;
            }

            await WithBusyRetryAsync("create the schema of", null, CreateSchemaOnceAsync, cancellationToken).ConfigureAwait(false);
            _schemaReady = true;
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    public void Dispose() => _pool.Dispose();

    private async ValueTask<T> RunAsync<T>(
        string operation,
        string? key,
        bool write,
        Func<PooledSqliteConnection, CancellationToken, ValueTask<T>> body,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await WithBusyRetryAsync(operation, key, ct => RunOnceAsync(write, body, ct), cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<T> WithBusyRetryAsync<T>(string operation, string? key, Func<CancellationToken, ValueTask<T>> attempt, CancellationToken cancellationToken)
    {
        for (var retry = 0; ; retry++)
        {
            try
            {
                return await attempt(cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException exception) when (SqliteErrors.IsBusy(exception) && retry < _settings.MaxBusyRetries)
            {
                var delay = Backoff(retry);
                LogBusyRetry(_logger, operation, key ?? "(table)", retry + 1, _settings.MaxBusyRetries, delay.TotalMilliseconds);
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is SqliteException or IOException or UnauthorizedAccessException)
            {
                throw SqliteErrors.Translate(exception, operation, key);
            }
        }
    }

    private async ValueTask<T> RunOnceAsync<T>(bool write, Func<PooledSqliteConnection, CancellationToken, ValueTask<T>> body, CancellationToken cancellationToken)
    {
        if (write)
        {
            await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var connection = await _pool.RentAsync(cancellationToken).ConfigureAwait(false);
            var discard = false;
            try
            {
                if (!write)
                {
                    return await body(connection, cancellationToken).ConfigureAwait(false);
                }

                await connection.Command(BeginImmediate).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                T result;
                try
                {
                    result = await body(connection, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    discard = !await TryRollbackAsync(connection).ConfigureAwait(false);
                    throw;
                }

                // Past this point the decision is made: commit without the caller's token so a late cancel cannot
                // leave the outcome unknown. A busy COMMIT (a reader in another process mid-checkpoint) is retried whole.
                try
                {
                    await connection.Command(Commit).ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                }
                catch
                {
                    discard = !await TryRollbackAsync(connection).ConfigureAwait(false);
                    throw;
                }

                return result;
            }
            catch (Exception exception) when (exception is not SqliteException and not OperationCanceledException and not Exceptions.IdempotencyException)
            {
                // Anything unexpected may have left the connection half-way; do not hand it to the next caller.
                discard = true;
                throw;
            }
            finally
            {
                _pool.Return(connection, discard);
            }
        }
        finally
        {
            if (write)
            {
                _writeGate.Release();
            }
        }
    }

    private static async ValueTask<bool> TryRollbackAsync(PooledSqliteConnection connection)
    {
        if (!connection.InTransaction)
        {
            return true;
        }

        try
        {
            await connection.Command(Rollback).ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            return !connection.InTransaction;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    private async ValueTask<bool> CreateSchemaOnceAsync(CancellationToken cancellationToken)
    {
        var connection = await _pool.RentAsync(cancellationToken).ConfigureAwait(false);
        var discard = false;
        try
        {
            if (!_settings.IsMemory)
            {
                // WAL lets readers run beside the one writer, across processes. The mode is stored in the file,
                // so every later connection (from any process) gets it; journal_mode cannot change inside a transaction.
                JournalMode = await connection.Command("PRAGMA journal_mode = WAL;").ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
                if (!string.Equals(JournalMode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    LogNotWal(_logger, _settings.FilePath ?? "(database)", JournalMode ?? "(unknown)");
                }
            }
            else
            {
                JournalMode = "memory";
            }

            await connection.Command(BeginImmediate).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await connection.Command(_createSchemaSql).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                if (_upgrade is { } upgrade
                    && Convert.ToInt64(await connection.Command(upgrade.ProbeSql).ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) == 0)
                {
                    // Inside the same immediate transaction: two processes upgrading one file cannot both add the column.
                    await connection.Command(upgrade.AddColumnSql).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await connection.Command(Commit).ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch
            {
                discard = !await TryRollbackAsync(connection).ConfigureAwait(false);
                throw;
            }

            return true;
        }
        finally
        {
            _pool.Return(connection, discard);
        }
    }

    private TimeSpan Backoff(int retry)
    {
        // Exponential, capped, with jitter in [50 %, 100 %] so processes that collided do not collide again in step.
        var exponential = _settings.BusyRetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry, 20));
        var capped = Math.Min(exponential, _settings.BusyRetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Random.Shared.NextDouble() * 0.5)));
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "SQLite busy during {Operation} of {Key}: retry {Retry}/{MaxRetries} in {DelayMs} ms")]
    private static partial void LogBusyRetry(ILogger logger, string operation, string key, int retry, int maxRetries, double delayMs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "SQLite database {Path} runs in journal mode {Mode}, not WAL: readers and the writer will block each other")]
    private static partial void LogNotWal(ILogger logger, string path, string mode);
}
