using IdempotentConsumer.Exceptions;
using IdempotentConsumer.PostgreSql.Internal;
using IdempotentConsumer.Records;
using IdempotentConsumer.Relational;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace IdempotentConsumer.PostgreSql;

/// <summary>
/// An <see cref="IIdempotencyStore"/> on PostgreSQL (Npgsql). Each record is one row; begin, complete, release and
/// lease extension are each one conditional statement that checks status, expiry, lease and owner token against the
/// caller's <c>now</c> (never the server's clock). A begin that loses reads the blocking record in the same round trip,
/// under the row lock its upsert took. With <c>UsePostgreSqlInbox</c> the COMPLETED record commits in the handler's
/// own transaction.
/// </summary>
/// <remarks>
/// The table is created on first use (see <see cref="PostgreSqlIdempotencyStoreOptions.CreateTableIfMissing"/>).
/// PostgreSQL has no TTL: expired records stay until overwritten or removed with <see cref="PurgeExpiredAsync"/>, which
/// never removes an in-progress record whose lease is live. Register one instance for the application (a singleton).
/// </remarks>
public sealed class PostgreSqlIdempotencyStore : IIdempotencyStore, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly PostgreSqlStatements _sql;
    private readonly PostgreSqlSchemaGate _schema;
    private readonly ILogger _logger;
    private int _disposed;

    /// <summary>Creates the store on a data source the caller owns (the store never disposes it).</summary>
    /// <param name="dataSource">The data source (connection pool); share the application's one.</param>
    /// <param name="options">Schema, table and schema creation; <see cref="PostgreSqlIdempotencyStoreOptions.ConnectionString"/> is ignored. Default: the defaults.</param>
    /// <param name="logger">Receives failures translated to store errors (debug).</param>
    /// <exception cref="IdempotencyConfigurationException">The options are invalid.</exception>
    public PostgreSqlIdempotencyStore(NpgsqlDataSource dataSource, PostgreSqlIdempotencyStoreOptions? options = null, ILogger<PostgreSqlIdempotencyStore>? logger = null)
        : this(options ?? new PostgreSqlIdempotencyStoreOptions(), dataSource ?? throw new ArgumentNullException(nameof(dataSource)), useConnectionString: false, logger)
    {
    }

    /// <summary>
    /// Creates the store on its own data source, built from <see cref="PostgreSqlIdempotencyStoreOptions.ConnectionString"/>
    /// and disposed with the store. Nothing is opened until the first call.
    /// </summary>
    /// <param name="options">The options; <see cref="PostgreSqlIdempotencyStoreOptions.ConnectionString"/> is required.</param>
    /// <param name="logger">Receives failures translated to store errors (debug).</param>
    /// <exception cref="IdempotencyConfigurationException">The options are invalid or name no connection string.</exception>
    public PostgreSqlIdempotencyStore(PostgreSqlIdempotencyStoreOptions options, ILogger<PostgreSqlIdempotencyStore>? logger = null)
        : this(options ?? throw new ArgumentNullException(nameof(options)), dataSource: null, useConnectionString: true, logger)
    {
    }

    /// <summary>
    /// Creates the store from DI-style options: on its own data source when they name a
    /// <see cref="PostgreSqlIdempotencyStoreOptions.ConnectionString"/>, otherwise on <paramref name="dataSource"/>.
    /// </summary>
    /// <param name="options">The options.</param>
    /// <param name="dataSource">The data source to use when the options name no connection string (the store never disposes it).</param>
    /// <param name="logger">Receives failures translated to store errors (debug).</param>
    /// <exception cref="IdempotencyConfigurationException">The options are invalid, or there is neither a connection string nor a data source.</exception>
    public PostgreSqlIdempotencyStore(IOptions<PostgreSqlIdempotencyStoreOptions> options, NpgsqlDataSource? dataSource, ILogger<PostgreSqlIdempotencyStore>? logger = null)
        : this(
            (options ?? throw new ArgumentNullException(nameof(options))).Value,
            dataSource,
            useConnectionString: !string.IsNullOrWhiteSpace(options.Value.ConnectionString),
            logger)
    {
    }

    private PostgreSqlIdempotencyStore(PostgreSqlIdempotencyStoreOptions options, NpgsqlDataSource? dataSource, bool useConnectionString, ILogger<PostgreSqlIdempotencyStore>? logger)
    {
        new PostgreSqlIdempotencyStoreOptionsValidator().ThrowIfInvalid(options);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        if (useConnectionString)
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                throw new IdempotencyConfigurationException(
                    $"{nameof(PostgreSqlIdempotencyStoreOptions)}.{nameof(PostgreSqlIdempotencyStoreOptions.ConnectionString)} is required when no NpgsqlDataSource is given.");
            }

            _dataSource = new NpgsqlSlimDataSourceBuilder(options.ConnectionString).EnableArrays().Build();
            _ownsDataSource = true;
        }
        else
        {
            _dataSource = dataSource ?? throw new IdempotencyConfigurationException(
                "The PostgreSQL idempotency store needs a connection: set PostgreSqlIdempotencyStoreOptions.ConnectionString, or register an NpgsqlDataSource in the container first.");
        }

        _sql = new PostgreSqlStatements(options.SchemaName, options.TableName);
        _schema = new PostgreSqlSchemaGate(_dataSource, _sql.CreateSchema, options.CreateTableIfMissing);
    }

    /// <summary>The data source the store (and the transactional inbox) opens its connections from.</summary>
    public NpgsqlDataSource DataSource => _dataSource;

    /// <summary>The quoted, schema-qualified name of the table holding the records (e.g. <c>"public"."idempotency_records"</c>).</summary>
    public string QualifiedTableName => _sql.QualifiedTableName;

    /// <summary>
    /// Creates the table (and its schema and expiry index) if needed and allowed. Called implicitly by the first
    /// operation; call it at startup to fail fast.
    /// </summary>
    /// <exception cref="IdempotencyPersistenceException">The database cannot be reached.</exception>
    /// <exception cref="IdempotencyConfigurationException">The role may not create the table, or the database does not exist.</exception>
    public async ValueTask EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        try
        {
            await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgreSqlErrors.IsStoreFailure(exception, cancellationToken))
        {
            throw Translate(exception, "create", key: null);
        }
    }

    /// <inheritdoc />
    public async ValueTask<BeginResult> TryBeginAsync(BeginRequest request, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(request.Key);
        ArgumentNullException.ThrowIfNull(request.OwnerToken);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
            await using var batch = _dataSource.CreateBatch();
            var upsert = new NpgsqlBatchCommand(_sql.TryBegin);
            // While in progress the expiry never precedes the lease (rounded up to the second), so neither an expiry
            // check nor PurgeExpiredAsync can take the record from a live handler.
            upsert.Parameters.Add(PostgreSqlParameters.Text(request.Key));
            upsert.Parameters.Add(PostgreSqlParameters.Integer(PostgreSqlTime.SecondsRoundedUp(PostgreSqlTime.Later(request.ExpiresAt, request.InProgressExpiresAt))));
            upsert.Parameters.Add(PostgreSqlParameters.Integer(request.InProgressExpiresAt.ToUnixTimeMilliseconds()));
            upsert.Parameters.Add(PostgreSqlParameters.NullableText(request.PayloadHash));
            upsert.Parameters.Add(PostgreSqlParameters.Text(request.OwnerToken));
            upsert.Parameters.Add(PostgreSqlParameters.Integer(request.Now.ToUnixTimeSeconds()));
            upsert.Parameters.Add(PostgreSqlParameters.Integer(request.Now.ToUnixTimeMilliseconds()));
            var select = new NpgsqlBatchCommand(_sql.SelectOne);
            select.Parameters.Add(PostgreSqlParameters.Text(request.Key));
            batch.BatchCommands.Add(upsert);
            batch.BatchCommands.Add(select);

            // Both statements run in one implicit transaction: a failed upsert condition leaves the row locked, so the
            // read is the record that blocked this begin, not one that changed after.
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var won = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (won)
            {
                return BeginResult.Won();
            }

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            return BeginResult.Lost(await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? RelationalRecordReader.Read(reader) : null);
        }
        catch (Exception exception) when (PostgreSqlErrors.IsStoreFailure(exception, cancellationToken))
        {
            throw Translate(exception, "begin", request.Key);
        }
    }

    /// <inheritdoc />
    public async ValueTask CompleteAsync(CompleteRequest request, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(request.Key);
        ArgumentNullException.ThrowIfNull(request.OwnerToken);
        cancellationToken.ThrowIfCancellationRequested();
        var changed = await ExecuteAsync(
            "complete",
            request.Key,
            _sql.Complete,
            [
                PostgreSqlParameters.Text(request.Key),
                PostgreSqlParameters.Text(request.OwnerToken),
                PostgreSqlParameters.Integer(request.ExpiresAt.ToUnixTimeSeconds()),
                PostgreSqlParameters.NullableText(request.ResponseNotStored ? null : request.ResponseData),
                PostgreSqlParameters.Boolean(request.ResponseNotStored),
                PostgreSqlParameters.NullableText(request.PayloadHash),
            ],
            cancellationToken).ConfigureAwait(false);
        ThrowIfStale(changed, request.Key, "complete");
    }

    /// <inheritdoc />
    /// <remarks>Only an in-progress record is deleted: a completed record (for example one an inbox transaction committed) stays.</remarks>
    public async ValueTask ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(ownerToken);
        cancellationToken.ThrowIfCancellationRequested();
        var changed = await ExecuteAsync(
            "release",
            key,
            _sql.Release,
            [PostgreSqlParameters.Text(key), PostgreSqlParameters.Text(ownerToken)],
            cancellationToken).ConfigureAwait(false);
        ThrowIfStale(changed, key, "release");
    }

    /// <inheritdoc />
    public async ValueTask ExtendLeaseAsync(ExtendLeaseRequest request, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(request.Key);
        ArgumentNullException.ThrowIfNull(request.OwnerToken);
        cancellationToken.ThrowIfCancellationRequested();
        var changed = await ExecuteAsync(
            "extend the lease of",
            request.Key,
            _sql.ExtendLease,
            [
                PostgreSqlParameters.Text(request.Key),
                PostgreSqlParameters.Text(request.OwnerToken),
                PostgreSqlParameters.Integer(request.InProgressExpiresAt.ToUnixTimeMilliseconds()),
                PostgreSqlParameters.Integer(PostgreSqlTime.SecondsRoundedUp(PostgreSqlTime.Later(request.ExpiresAt, request.InProgressExpiresAt))),
            ],
            cancellationToken).ConfigureAwait(false);
        ThrowIfStale(changed, request.Key, "extend the lease of");
    }

    /// <inheritdoc />
    /// <exception cref="IdempotencyCorruptRecordException">The stored row has an unknown status.</exception>
    public async ValueTask<IdempotencyRecord?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
            await using var command = _dataSource.CreateCommand(_sql.SelectOne);
            command.Parameters.Add(PostgreSqlParameters.Text(key));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? RelationalRecordReader.Read(reader) : null;
        }
        catch (Exception exception) when (PostgreSqlErrors.IsStoreFailure(exception, cancellationToken))
        {
            throw Translate(exception, "read", key);
        }
    }

    /// <inheritdoc />
    /// <remarks>One statement for the whole batch (<c>key = ANY($1)</c>).</remarks>
    /// <exception cref="IdempotencyCorruptRecordException">A stored row has an unknown status.</exception>
    public async ValueTask<IReadOnlyDictionary<string, IdempotencyRecord>> GetManyAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(keys);
        cancellationToken.ThrowIfCancellationRequested();
        var distinct = new HashSet<string>(keys.Count, StringComparer.Ordinal);
        foreach (var key in keys)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(keys));
            distinct.Add(key);
        }

        var found = new Dictionary<string, IdempotencyRecord>(distinct.Count, StringComparer.Ordinal);
        if (distinct.Count == 0)
        {
            return found;
        }

        try
        {
            await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
            await using var command = _dataSource.CreateCommand(_sql.SelectMany);
            command.Parameters.Add(PostgreSqlParameters.TextArray([.. distinct]));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var record = RelationalRecordReader.Read(reader);
                found[record.Key] = record;
            }
        }
        catch (Exception exception) when (PostgreSqlErrors.IsStoreFailure(exception, cancellationToken))
        {
            throw Translate(exception, $"read {distinct.Count} records from", key: null);
        }

        return found;
    }

    /// <summary>
    /// Deletes every record whose <see cref="IdempotencyRecord.ExpiresAt"/> is at or before <paramref name="now"/>
    /// (PostgreSQL has no TTL; call this now and then, e.g. from a timer or pg_cron), except an in-progress record whose
    /// lease is still live at <paramref name="now"/>. Expired records never block a new attempt either way.
    /// </summary>
    /// <returns>How many records were deleted.</returns>
    public ValueTask<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return ExecuteAsync(
            "purge expired records from",
            null,
            _sql.PurgeExpired,
            [PostgreSqlParameters.Integer(now.ToUnixTimeSeconds()), PostgreSqlParameters.Integer(now.ToUnixTimeMilliseconds())],
            cancellationToken);
    }

    /// <summary>Disposes the data source the store built itself; a data source the caller gave it stays open.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && _ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Disposes the data source the store built itself; a data source the caller gave it stays open.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && _ownsDataSource)
        {
            _dataSource.Dispose();
        }
    }

    /// <summary>
    /// The inbox's completion, on the handler's connection and inside its transaction: the record this attempt owns
    /// becomes COMPLETED only if the transaction commits.
    /// </summary>
    /// <exception cref="IdempotencyStaleOwnerException">This attempt does not own an in-progress record for the key.</exception>
    internal async ValueTask CompleteInTransactionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string key, string ownerToken, bool responseNotStored, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        int changed;
        try
        {
            await using var command = new NpgsqlCommand(_sql.CompleteInTransaction, connection, transaction);
            command.Parameters.Add(PostgreSqlParameters.Text(key));
            command.Parameters.Add(PostgreSqlParameters.Text(ownerToken));
            command.Parameters.Add(PostgreSqlParameters.Boolean(responseNotStored));
            changed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgreSqlErrors.IsStoreFailure(exception, cancellationToken))
        {
            throw Translate(exception, "complete (in the inbox transaction)", key);
        }

        if (changed == 0)
        {
            throw new IdempotencyStaleOwnerException(
                $"Cannot complete idempotency record '{key}' in the inbox transaction: this attempt no longer owns it in {_sql.QualifiedTableName} (its lease lapsed and another attempt took it over, or it was removed), or the consumer's idempotency store is not this PostgreSQL store. The transaction is rolled back.");
        }
    }

    private async ValueTask<int> ExecuteAsync(string operation, string? key, string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        try
        {
            await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
            await using var command = _dataSource.CreateCommand(sql);
            command.Parameters.AddRange(parameters);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgreSqlErrors.IsStoreFailure(exception, cancellationToken))
        {
            throw Translate(exception, operation, key);
        }
    }

    private IdempotencyException Translate(Exception exception, string operation, string? key)
    {
        var translated = PostgreSqlErrors.Translate(exception, operation, key, _sql.QualifiedTableName);
        _logger.LogDebug(exception, "PostgreSQL idempotency store: {Operation} failed, reported as {ErrorType}.", operation, translated.GetType().Name);
        return translated;
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
