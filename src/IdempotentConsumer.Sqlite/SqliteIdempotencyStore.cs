using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Records;
using IdempotentConsumer.Relational;
using IdempotentConsumer.Sqlite.Internal;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IdempotentConsumer.Sqlite;

/// <summary>
/// A durable <see cref="IIdempotencyStore"/> in one SQLite file: no server, records survive restarts, and
/// several processes may share the file. Every conditional write is one <c>BEGIN IMMEDIATE</c> transaction,
/// so exactly one contender wins a key and only the owner token that began a record can complete, release
/// or extend it.
/// </summary>
/// <remarks>
/// The table is created on first use. Expired records stay until overwritten or removed with
/// <see cref="PurgeExpiredAsync"/> (SQLite has no TTL). One instance is meant to live for the whole
/// application (register it as a singleton); dispose it to close its connections.
/// </remarks>
public sealed class SqliteIdempotencyStore : IIdempotencyStore, IIdempotencyStoreAdmin, IAsyncDisposable, IDisposable
{
    private readonly SqliteStatements _sql;
    private readonly SqliteOperationRunner _runner;
    private int _disposed;

    /// <summary>Creates the store. Nothing is opened until the first call.</summary>
    /// <param name="options">Where the database is and how to reach it.</param>
    /// <param name="timeProvider">Times the backoff between busy retries (record expiry always comes from the caller). Default: the system clock.</param>
    /// <param name="logger">Receives busy retries (debug) and a warning when the file cannot use WAL.</param>
    /// <exception cref="IdempotencyConfigurationException">The options are invalid.</exception>
    public SqliteIdempotencyStore(SqliteIdempotencyStoreOptions options, TimeProvider? timeProvider = null, ILogger<SqliteIdempotencyStore>? logger = null)
    {
        var settings = ResolvedSqliteSettings.From(options);
        _sql = new SqliteStatements(settings.TableName);
        _runner = new SqliteOperationRunner(
            settings,
            _sql.CreateSchema,
            timeProvider ?? TimeProvider.System,
            (ILogger?)logger ?? NullLogger.Instance,
            new SqliteColumnUpgrade(_sql.HasResponseNotStoredColumn, _sql.AddResponseNotStoredColumn));
        TableName = settings.TableName;
        DataSource = settings.FilePath;
    }

    /// <summary>The table holding the records.</summary>
    public string TableName { get; }

    /// <summary>The full path of the database file, or null for an in-memory database or a <c>file:</c> URI.</summary>
    public string? DataSource { get; }

    /// <summary>The journal mode SQLite reported when the schema was set up (<c>wal</c> normally); null before first use.</summary>
    public string? JournalMode => _runner.JournalMode;

    /// <summary>Switches the file to WAL and creates the table if needed. Called implicitly by the first operation; call it at startup to fail fast.</summary>
    /// <exception cref="IdempotencyPersistenceException">The database cannot be opened or written.</exception>
    public ValueTask EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return _runner.EnsureSchemaAsync(cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<BeginResult> TryBeginAsync(BeginRequest request, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(request.Key);
        ArgumentNullException.ThrowIfNull(request.OwnerToken);
        return _runner.WriteAsync(
            "begin",
            request.Key,
            async (connection, ct) =>
            {
                var insert = connection.Command(_sql.TryBegin);
                insert.Parameters.AddWithValue("@key", request.Key);
                // While in progress the expiry never precedes the lease (rounded up to the second), so neither an expiry
                // check nor PurgeExpiredAsync can take the record from a live handler.
                insert.Parameters.AddWithValue("@expiration", SqliteTime.SecondsRoundedUp(request.ExpiresAt >= request.InProgressExpiresAt ? request.ExpiresAt : request.InProgressExpiresAt));
                insert.Parameters.AddWithValue("@lease", request.InProgressExpiresAt.ToUnixTimeMilliseconds());
                insert.Parameters.AddWithValue("@validation", (object?)request.PayloadHash ?? DBNull.Value);
                insert.Parameters.AddWithValue("@owner", request.OwnerToken);
                insert.Parameters.AddWithValue("@nowSeconds", request.Now.ToUnixTimeSeconds());
                insert.Parameters.AddWithValue("@nowMs", request.Now.ToUnixTimeMilliseconds());
                if (await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1)
                {
                    return BeginResult.Won();
                }

                // Still inside the write transaction: this is exactly the record that blocked the upsert.
                return BeginResult.Lost(await SelectOneAsync(connection, request.Key, ct).ConfigureAwait(false));
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask CompleteAsync(CompleteRequest request, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(request.Key);
        ArgumentNullException.ThrowIfNull(request.OwnerToken);
        var changed = await _runner.WriteAsync(
            "complete",
            request.Key,
            (connection, ct) =>
            {
                var update = connection.Command(_sql.Complete);
                update.Parameters.AddWithValue("@key", request.Key);
                update.Parameters.AddWithValue("@owner", request.OwnerToken);
                update.Parameters.AddWithValue("@expiration", request.ExpiresAt.ToUnixTimeSeconds());
                update.Parameters.AddWithValue("@data", request.ResponseNotStored ? DBNull.Value : (object?)request.ResponseData ?? DBNull.Value);
                update.Parameters.AddWithValue("@notStored", request.ResponseNotStored ? 1 : 0);
                update.Parameters.AddWithValue("@validation", (object?)request.PayloadHash ?? DBNull.Value);
                return new ValueTask<int>(update.ExecuteNonQueryAsync(ct));
            },
            cancellationToken).ConfigureAwait(false);
        ThrowIfStale(changed, request.Key, "complete");
    }

    /// <inheritdoc />
    public async ValueTask ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(ownerToken);
        var changed = await _runner.WriteAsync(
            "release",
            key,
            (connection, ct) =>
            {
                var delete = connection.Command(_sql.Release);
                delete.Parameters.AddWithValue("@key", key);
                delete.Parameters.AddWithValue("@owner", ownerToken);
                return new ValueTask<int>(delete.ExecuteNonQueryAsync(ct));
            },
            cancellationToken).ConfigureAwait(false);
        ThrowIfStale(changed, key, "release");
    }

    /// <inheritdoc />
    public async ValueTask ExtendLeaseAsync(ExtendLeaseRequest request, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var key = request.Key;
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(request.OwnerToken);
        var changed = await _runner.WriteAsync(
            "extend the lease of",
            key,
            (connection, ct) =>
            {
                var update = connection.Command(_sql.ExtendLease);
                update.Parameters.AddWithValue("@key", key);
                update.Parameters.AddWithValue("@owner", request.OwnerToken);
                update.Parameters.AddWithValue("@lease", request.InProgressExpiresAt.ToUnixTimeMilliseconds());
                update.Parameters.AddWithValue(
                    "@expiration",
                    SqliteTime.SecondsRoundedUp(request.ExpiresAt >= request.InProgressExpiresAt ? request.ExpiresAt : request.InProgressExpiresAt));
                return new ValueTask<int>(update.ExecuteNonQueryAsync(ct));
            },
            cancellationToken).ConfigureAwait(false);
        ThrowIfStale(changed, key, "extend the lease of");
    }

    /// <inheritdoc />
    /// <exception cref="IdempotencyCorruptRecordException">The stored row has an unknown status or mistyped columns.</exception>
    public ValueTask<IdempotencyRecord?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(key);
        return _runner.ReadAsync("read", key, (connection, ct) => SelectOneAsync(connection, key, ct), cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="IdempotencyCorruptRecordException">A stored row has an unknown status or mistyped columns.</exception>
    public async ValueTask<IReadOnlyDictionary<string, IdempotencyRecord>> GetManyAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(keys);
        cancellationToken.ThrowIfCancellationRequested();
        if (keys.Count == 0)
        {
            return new Dictionary<string, IdempotencyRecord>(StringComparer.Ordinal);
        }

        return await _runner.ReadAsync<IReadOnlyDictionary<string, IdempotencyRecord>>(
            "read many",
            null,
            async (connection, ct) =>
            {
                var select = connection.Command(_sql.SelectMany);
                select.Parameters.AddWithValue("@keys", SqliteKeyList.ToJsonArray(keys));
                var found = new Dictionary<string, IdempotencyRecord>(keys.Count, StringComparer.Ordinal);
                await using var reader = await select.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    var record = RelationalRecordReader.Read(reader);
                    found[record.Key] = record;
                }

                return found;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes every record whose <see cref="IdempotencyRecord.ExpiresAt"/> is at or before <paramref name="now"/>
    /// (SQLite has no TTL; call this now and then, e.g. from a timer), except an in-progress record whose lease is
    /// still live at <paramref name="now"/>. Expired records never block a new attempt either way.
    /// </summary>
    /// <returns>How many records were deleted.</returns>
    /// <inheritdoc cref="IIdempotencyStoreAdmin.PurgeExpiredAsync" path="/exception" />
    public ValueTask<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return _runner.WriteAsync(
            "purge expired records from",
            null,
            (connection, ct) =>
            {
                var delete = connection.Command(_sql.PurgeExpired);
                delete.Parameters.AddWithValue("@nowSeconds", now.ToUnixTimeSeconds());
                delete.Parameters.AddWithValue("@nowMs", now.ToUnixTimeMilliseconds());
                return new ValueTask<int>(delete.ExecuteNonQueryAsync(ct));
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<IdempotencyRecord>> ListAsync(IdempotencyRecordFilter filter, DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return _runner.ReadAsync<IReadOnlyList<IdempotencyRecord>>(
            "list",
            null,
            async (connection, ct) =>
            {
                var select = connection.Command(_sql.List);
                select.Parameters.AddWithValue("@filter", (int)filter);
                select.Parameters.AddWithValue("@nowSeconds", now.ToUnixTimeSeconds());
                select.Parameters.AddWithValue("@nowMs", now.ToUnixTimeMilliseconds());
                select.Parameters.AddWithValue("@limit", limit);
                var found = new List<IdempotencyRecord>();
                await using var reader = await select.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    found.Add(RelationalRecordReader.Read(reader));
                }

                return found;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(key);
        var changed = await _runner.WriteAsync(
            "delete",
            key,
            (connection, ct) =>
            {
                var delete = connection.Command(_sql.Delete);
                delete.Parameters.AddWithValue("@key", key);
                return new ValueTask<int>(delete.ExecuteNonQueryAsync(ct));
            },
            cancellationToken).ConfigureAwait(false);
        return changed > 0;
    }

    /// <summary>Closes the store's idle connections; connections still in use close when their operation ends.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Closes the store's idle connections; connections still in use close when their operation ends.</summary>
    public void Dispose()
    {
        // Closing SQLite connections is local, synchronous work; there is nothing to await.
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _runner.Dispose();
        }
    }

    private async ValueTask<IdempotencyRecord?> SelectOneAsync(PooledSqliteConnection connection, string key, CancellationToken cancellationToken)
    {
        var select = connection.Command(_sql.SelectOne);
        select.Parameters.AddWithValue("@key", key);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? RelationalRecordReader.Read(reader) : null;
    }

    private static void ThrowIfStale(int changed, string key, string operation)
    {
        if (changed == 0)
        {
            throw new IdempotencyStaleOwnerException(
                $"Cannot {operation} idempotency record '{key}': this attempt no longer owns it (its lease lapsed and another attempt took it over, it was completed, or it was removed).");
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
