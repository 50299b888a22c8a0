using System.Globalization;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Records;
using IdempotentConsumer.Redis.Internal;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace IdempotentConsumer.Redis;

/// <summary>
/// An <see cref="IIdempotencyStore"/> on Redis (or Valkey, ElastiCache, Redis Cluster). Each record is one hash;
/// begin, complete, release and lease extension are each one Lua script on that one key, which checks status, expiry,
/// lease and owner token atomically against the caller's <c>now</c> (never the Redis clock). A begin that loses gets
/// the blocking record in the same round trip.
/// </summary>
/// <remarks>
/// The key's Redis expiry follows the record's <c>expiration</c> (plus <see cref="RedisIdempotencyStoreOptions.ExpiryMargin"/>),
/// and while a record is in progress that expiration is never before its lease end, so Redis never removes a record
/// under a live handler. Register one instance for the application (a singleton).
/// </remarks>
public sealed partial class RedisIdempotencyStore : IIdempotencyStore, IIdempotencyStoreAdmin, IAsyncDisposable, IDisposable
{
    private const string Yes = "1";
    private const string No = "0";

    private readonly RedisConnectionSource _connection;
    private readonly string _keyPrefix;
    private readonly TimeSpan _expiryMargin;
    private readonly ILogger _logger;
    private int _disposed;

    /// <summary>Creates the store on a connection the caller owns (the store never closes it).</summary>
    /// <param name="connection">The multiplexer; share the application's one.</param>
    /// <param name="options">Key prefix, database and expiry margin; <see cref="RedisIdempotencyStoreOptions.ConnectionString"/> is ignored. Default: the defaults.</param>
    /// <param name="logger">Receives failures translated to store errors (debug).</param>
    /// <exception cref="IdempotencyConfigurationException">The options are invalid.</exception>
    public RedisIdempotencyStore(IConnectionMultiplexer connection, RedisIdempotencyStoreOptions? options = null, ILogger<RedisIdempotencyStore>? logger = null)
        : this(options ?? new RedisIdempotencyStoreOptions(), connection ?? throw new ArgumentNullException(nameof(connection)), useConnectionString: false, logger)
    {
    }

    /// <summary>
    /// Creates the store on its own connection, opened from <see cref="RedisIdempotencyStoreOptions.ConnectionString"/>
    /// on first use and closed when the store is disposed.
    /// </summary>
    /// <param name="options">The options; <see cref="RedisIdempotencyStoreOptions.ConnectionString"/> is required.</param>
    /// <param name="logger">Receives connection failures and restores, and failures translated to store errors (debug).</param>
    /// <exception cref="IdempotencyConfigurationException">The options are invalid or name no connection string.</exception>
    public RedisIdempotencyStore(RedisIdempotencyStoreOptions options, ILogger<RedisIdempotencyStore>? logger = null)
        : this(options ?? throw new ArgumentNullException(nameof(options)), connection: null, useConnectionString: true, logger)
    {
    }

    /// <summary>
    /// Creates the store from DI-style options: on its own connection when they name a
    /// <see cref="RedisIdempotencyStoreOptions.ConnectionString"/>, otherwise on <paramref name="connection"/>.
    /// </summary>
    /// <param name="options">The options.</param>
    /// <param name="connection">The multiplexer to use when the options name no connection string (the store never closes it).</param>
    /// <param name="logger">Receives connection failures and restores, and failures translated to store errors (debug).</param>
    /// <exception cref="IdempotencyConfigurationException">The options are invalid, or there is neither a connection string nor a multiplexer.</exception>
    public RedisIdempotencyStore(IOptions<RedisIdempotencyStoreOptions> options, IConnectionMultiplexer? connection, ILogger<RedisIdempotencyStore>? logger = null)
        : this(
            (options ?? throw new ArgumentNullException(nameof(options))).Value,
            connection,
            useConnectionString: !string.IsNullOrWhiteSpace(options.Value.ConnectionString),
            logger)
    {
    }

    private RedisIdempotencyStore(RedisIdempotencyStoreOptions options, IConnectionMultiplexer? connection, bool useConnectionString, ILogger<RedisIdempotencyStore>? logger)
    {
        new RedisIdempotencyStoreOptionsValidator().ThrowIfInvalid(options);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        if (useConnectionString)
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                throw new IdempotencyConfigurationException(
                    $"{nameof(RedisIdempotencyStoreOptions)}.{nameof(RedisIdempotencyStoreOptions.ConnectionString)} is required when no IConnectionMultiplexer is given.");
            }

            _connection = new RedisConnectionSource(options.ConnectionString, options.Database, _logger);
        }
        else
        {
            _connection = new RedisConnectionSource(
                connection ?? throw new IdempotencyConfigurationException(
                    "The Redis idempotency store needs a connection: set RedisIdempotencyStoreOptions.ConnectionString, or register an IConnectionMultiplexer in the container first."),
                options.Database,
                _logger);
        }

        _keyPrefix = options.KeyPrefix;
        _expiryMargin = options.ExpiryMargin;
    }

    /// <summary>The prefix put before every idempotency key to form its Redis key.</summary>
    public string KeyPrefix => _keyPrefix;

    /// <summary>The Redis key that holds the record of <paramref name="key"/>.</summary>
    public string RedisKeyOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _keyPrefix + key;
    }

    /// <inheritdoc />
    public async ValueTask<BeginResult> TryBeginAsync(BeginRequest request, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(request.Key);
        ArgumentNullException.ThrowIfNull(request.OwnerToken);
        cancellationToken.ThrowIfCancellationRequested();

        // While in progress the expiry never precedes the lease (rounded up to the second), so neither an expiry check
        // nor Redis itself can take the record from a live handler.
        var expiration = RedisTime.SecondsRoundedUp(RedisTime.Later(request.ExpiresAt, request.InProgressExpiresAt));
        RedisValue[] arguments =
        [
            Number(request.Now.ToUnixTimeSeconds()),
            Number(request.Now.ToUnixTimeMilliseconds()),
            Number(expiration),
            Number(request.InProgressExpiresAt.ToUnixTimeMilliseconds()),
            request.OwnerToken,
            request.PayloadHash is null ? No : Yes,
            request.PayloadHash ?? string.Empty,
            Number(RedisTime.KeyTimeToLiveMilliseconds(expiration, request.Now, _expiryMargin)),
        ];

        var reply = await EvaluateAsync(RedisScripts.Begin, "begin", request.Key, arguments, cancellationToken).ConfigureAwait(false);
        if (reply.Resp2Type == ResultType.Integer)
        {
            return BeginResult.Won();
        }

        return BeginResult.Lost(RedisRecordReader.ReadScriptReply(request.Key, reply));
    }

    /// <inheritdoc />
    public async ValueTask CompleteAsync(CompleteRequest request, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(request.Key);
        ArgumentNullException.ThrowIfNull(request.OwnerToken);
        cancellationToken.ThrowIfCancellationRequested();

        var expiration = request.ExpiresAt.ToUnixTimeSeconds();
        var storesData = request.ResponseData is not null && !request.ResponseNotStored;
        RedisValue[] arguments =
        [
            request.OwnerToken,
            Number(expiration),
            Number(RedisTime.KeyExpiryMilliseconds(expiration, _expiryMargin)),
            storesData ? Yes : No,
            storesData ? request.ResponseData : string.Empty,
            request.ResponseNotStored ? Yes : No,
            request.PayloadHash is null ? No : Yes,
            request.PayloadHash ?? string.Empty,
        ];

        var reply = await EvaluateAsync(RedisScripts.Complete, "complete", request.Key, arguments, cancellationToken).ConfigureAwait(false);
        ThrowIfStale(reply, request.Key, "complete");
    }

    /// <inheritdoc />
    public async ValueTask ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(ownerToken);
        cancellationToken.ThrowIfCancellationRequested();

        var reply = await EvaluateAsync(RedisScripts.Release, "release", key, [ownerToken], cancellationToken).ConfigureAwait(false);
        ThrowIfStale(reply, key, "release");
    }

    /// <inheritdoc />
    public async ValueTask ExtendLeaseAsync(ExtendLeaseRequest request, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(request.Key);
        ArgumentNullException.ThrowIfNull(request.OwnerToken);
        cancellationToken.ThrowIfCancellationRequested();

        // Lease, stored expiry and Redis expiry move in one script, so Redis can never drop the record under a live lease.
        var expiration = RedisTime.SecondsRoundedUp(RedisTime.Later(request.ExpiresAt, request.InProgressExpiresAt));
        RedisValue[] arguments =
        [
            request.OwnerToken,
            Number(request.InProgressExpiresAt.ToUnixTimeMilliseconds()),
            Number(expiration),
            Number(RedisTime.KeyExpiryMilliseconds(expiration, _expiryMargin)),
        ];

        var reply = await EvaluateAsync(RedisScripts.ExtendLease, "extend the lease of", request.Key, arguments, cancellationToken).ConfigureAwait(false);
        ThrowIfStale(reply, request.Key, "extend the lease of");
    }

    /// <inheritdoc />
    /// <exception cref="IdempotencyCorruptRecordException">The key holds something this store did not write.</exception>
    public async ValueTask<IdempotencyRecord?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        var redisKey = RedisKeyOf(key);
        try
        {
            var db = await _connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
            var entries = await WithCancellation(db.HashGetAllAsync(redisKey), cancellationToken).ConfigureAwait(false);
            return RedisRecordReader.Read(key, entries);
        }
        catch (Exception exception) when (RedisErrors.IsStoreFailure(exception, cancellationToken))
        {
            throw Translate(exception, "read", redisKey);
        }
    }

    /// <inheritdoc />
    /// <remarks>One HGETALL per distinct key, all pipelined on the connection (no multi-key command, so keys may live in different cluster slots).</remarks>
    /// <exception cref="IdempotencyCorruptRecordException">A key holds something this store did not write.</exception>
    public async ValueTask<IReadOnlyDictionary<string, IdempotencyRecord>> GetManyAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(keys);
        cancellationToken.ThrowIfCancellationRequested();
        var distinct = new List<string>(keys.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            ArgumentNullException.ThrowIfNull(key, nameof(keys));
            if (seen.Add(key))
            {
                distinct.Add(key);
            }
        }

        var found = new Dictionary<string, IdempotencyRecord>(distinct.Count, StringComparer.Ordinal);
        if (distinct.Count == 0)
        {
            return found;
        }

        try
        {
            var db = await _connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
            var reads = new Task<HashEntry[]>[distinct.Count];
            for (var i = 0; i < distinct.Count; i++)
            {
                reads[i] = db.HashGetAllAsync(RedisKeyOf(distinct[i]));
            }

            await WithCancellation(Task.WhenAll(reads), cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < distinct.Count; i++)
            {
                if (RedisRecordReader.Read(distinct[i], await reads[i].ConfigureAwait(false)) is { } record)
                {
                    found[distinct[i]] = record;
                }
            }
        }
        catch (Exception exception) when (RedisErrors.IsStoreFailure(exception, cancellationToken))
        {
            throw Translate(exception, $"read {distinct.Count} records from", redisKey: null);
        }

        return found;
    }

    /// <summary>Closes the connection the store opened itself; a connection the caller gave it stays open.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Closes the connection the store opened itself; a connection the caller gave it stays open.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _connection.Dispose();
        }
    }

    private async Task<RedisResult> EvaluateAsync(string script, string operation, string key, RedisValue[] arguments, CancellationToken cancellationToken)
    {
        var redisKey = RedisKeyOf(key);
        try
        {
            var db = await _connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
            return await WithCancellation(db.ScriptEvaluateAsync(script, [redisKey], arguments), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (RedisErrors.IsStoreFailure(exception, cancellationToken))
        {
            throw Translate(exception, operation, redisKey);
        }
    }

    private IdempotencyException Translate(Exception exception, string operation, string? redisKey)
    {
        var translated = RedisErrors.Translate(exception, operation, redisKey);
        _logger.LogDebug(exception, "Redis idempotency store: {Operation} failed, reported as {ErrorType}.", operation, translated.GetType().Name);
        return translated;
    }

    private static Task<T> WithCancellation<T>(Task<T> task, CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled ? task.WaitAsync(cancellationToken) : task;

    private static Task WithCancellation(Task task, CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled ? task.WaitAsync(cancellationToken) : task;

    private static RedisValue Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static void ThrowIfStale(RedisResult reply, string key, string operation)
    {
        if ((long)reply != 1)
        {
            throw new IdempotencyStaleOwnerException(
                $"Cannot {operation} idempotency record '{key}': this attempt no longer owns it (its lease lapsed and another attempt took it over, it was completed, or it was removed).");
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
