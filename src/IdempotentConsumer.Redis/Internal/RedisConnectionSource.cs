using IdempotentConsumer.Exceptions;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace IdempotentConsumer.Redis.Internal;

/// <summary>
/// The store's way to its database: a multiplexer the caller owns, or one the store opens from a connection string on
/// first use (and closes on dispose). An owned multiplexer never aborts on a failed connect: it keeps reconnecting in
/// the background while each call fails fast with a transient error.
/// </summary>
internal sealed class RedisConnectionSource : IAsyncDisposable, IDisposable
{
    private readonly int _database;
    private readonly ILogger _logger;
    private readonly ConfigurationOptions? _ownedConfiguration;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private IConnectionMultiplexer? _multiplexer;
    private IDatabase? _db;

    public RedisConnectionSource(IConnectionMultiplexer multiplexer, int database, ILogger logger)
    {
        _multiplexer = multiplexer;
        _database = database;
        _logger = logger;
        _db = multiplexer.GetDatabase(database);
    }

    public RedisConnectionSource(string connectionString, int database, ILogger logger)
    {
        _ownedConfiguration = ConfigurationOptions.Parse(connectionString);
        _ownedConfiguration.AbortOnConnectFail = false;
        _database = database;
        _logger = logger;
    }

    /// <summary>The multiplexer, once connected (always, for a borrowed one).</summary>
    public IConnectionMultiplexer? Multiplexer => Volatile.Read(ref _multiplexer);

    public ValueTask<IDatabase> GetDatabaseAsync(CancellationToken cancellationToken)
    {
        var db = Volatile.Read(ref _db);
        return db is not null ? new ValueTask<IDatabase>(db) : new ValueTask<IDatabase>(ConnectAsync(cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownedConfiguration is not null && Interlocked.Exchange(ref _multiplexer, null) is { } owned)
        {
            await owned.CloseAsync().ConfigureAwait(false);
            owned.Dispose();
        }

        _connectGate.Dispose();
    }

    public void Dispose()
    {
        if (_ownedConfiguration is not null && Interlocked.Exchange(ref _multiplexer, null) is { } owned)
        {
            owned.Dispose();
        }

        _connectGate.Dispose();
    }

    private async Task<IDatabase> ConnectAsync(CancellationToken cancellationToken)
    {
        await _connectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _db) is { } db)
            {
                return db;
            }

            var configuration = _ownedConfiguration!;
            ConnectionMultiplexer multiplexer;
            try
            {
                multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
            }
            catch (Exception exception) when (RedisErrors.IsStoreFailure(exception, cancellationToken))
            {
                throw new IdempotencyPersistenceException(
                    $"Cannot connect to Redis at {string.Join(", ", configuration.EndPoints)}: {exception.Message}", exception);
            }

            multiplexer.ConnectionFailed += (_, e) =>
                _logger.LogWarning(e.Exception, "Redis connection to {EndPoint} failed ({FailureType}); the idempotency store reconnects in the background.", e.EndPoint, e.FailureType);
            multiplexer.ConnectionRestored += (_, e) =>
                _logger.LogInformation("Redis connection to {EndPoint} restored.", e.EndPoint);
            if (!multiplexer.IsConnected)
            {
                _logger.LogWarning("Redis at {EndPoints} is not reachable yet; the idempotency store keeps trying in the background.", string.Join(", ", configuration.EndPoints));
            }

            Volatile.Write(ref _multiplexer, multiplexer);
            db = multiplexer.GetDatabase(_database);
            Volatile.Write(ref _db, db);
            return db;
        }
        finally
        {
            _connectGate.Release();
        }
    }
}
