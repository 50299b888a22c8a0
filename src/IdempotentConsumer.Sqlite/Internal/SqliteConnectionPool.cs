using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace IdempotentConsumer.Sqlite.Internal;

/// <summary>
/// A fixed number of open connections, each set up once (busy timeout, durability). Opening a SQLite
/// connection reads the schema and maps the WAL index, so keeping them open is much cheaper than reopening.
/// </summary>
internal sealed class SqliteConnectionPool : IDisposable
{
    private readonly ResolvedSqliteSettings _settings;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentBag<PooledSqliteConnection> _idle = [];
    private volatile bool _disposed;

    public SqliteConnectionPool(ResolvedSqliteSettings settings)
    {
        _settings = settings;
        _slots = new SemaphoreSlim(settings.MaxConnections, settings.MaxConnections);
    }

    public async ValueTask<PooledSqliteConnection> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_idle.TryTake(out var connection))
        {
            return connection;
        }

        try
        {
            return await OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    /// <summary>Gives a connection back; <paramref name="discard"/> closes it instead (its state is unknown).</summary>
    public void Return(PooledSqliteConnection connection, bool discard)
    {
        try
        {
            if (discard || _disposed)
            {
                connection.Dispose();
            }
            else
            {
                _idle.Add(connection);
                if (_disposed)
                {
                    // Disposal ran between the check and the add: nobody else will close what was just added.
                    Drain();
                }
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        Drain();
    }

    private void Drain()
    {
        while (_idle.TryTake(out var connection))
        {
            connection.Dispose();
        }
    }

    private async ValueTask<PooledSqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_settings.FilePath is { } path && Path.GetDirectoryName(path) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        var connection = new SqliteConnection(_settings.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var pooled = new PooledSqliteConnection(connection);
            var synchronous = _settings.Synchronous == SqliteSynchronousMode.Normal ? "NORMAL" : "FULL";
            await pooled.Command($"PRAGMA busy_timeout = {_settings.BusyTimeoutMilliseconds}; PRAGMA synchronous = {synchronous};")
                .ExecuteNonQueryAsync(cancellationToken)
                .ConfigureAwait(false);
            return pooled;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
