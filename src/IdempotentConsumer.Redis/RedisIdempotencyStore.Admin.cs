using System.Text;
using IdempotentConsumer.Records;
using IdempotentConsumer.Redis.Internal;
using IdempotentConsumer.Stores;
using StackExchange.Redis;

namespace IdempotentConsumer.Redis;

/// <summary>
/// Operator access (<see cref="IIdempotencyStoreAdmin"/>): SCAN for the key prefix on every primary, then one HGETALL
/// per key. Expired records normally vanish by their TTL; purge removes those still inside the expiry margin.
/// </summary>
public sealed partial class RedisIdempotencyStore
{
    private const int ScanPageSize = 500;

    // Delete only if still expired at ARGV[1] (epoch s) and not in progress under a live lease at ARGV[2] (epoch ms).
    private const string PurgeScript =
        """
        local current = redis.call('HMGET', KEYS[1], 'status', 'expiration', 'in_progress_expiration')
        local expiration = tonumber(current[2])
        if expiration == nil or expiration > tonumber(ARGV[1]) then return 0 end
        local lease = tonumber(current[3])
        if current[1] == 'INPROGRESS' and lease ~= nil and lease > tonumber(ARGV[2]) then return 0 end
        return redis.call('DEL', KEYS[1])
        """;

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<IdempotencyRecord>> ListAsync(IdempotencyRecordFilter filter, DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var found = new List<IdempotencyRecord>();
        try
        {
            var db = await _connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
            foreach (var redisKey in await ScanKeysAsync(db, cancellationToken).ConfigureAwait(false))
            {
                var entries = await WithCancellation(db.HashGetAllAsync(redisKey), cancellationToken).ConfigureAwait(false);
                if (RedisRecordReader.Read(redisKey[_keyPrefix.Length..], entries) is { } record && filter.Matches(record, now))
                {
                    found.Add(record);
                }
            }
        }
        catch (Exception exception) when (RedisErrors.IsStoreFailure(exception, cancellationToken))
        {
            throw Translate(exception, "list records in", redisKey: null);
        }

        found.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return found.Count > limit ? found.GetRange(0, limit) : found;
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var redisKey = RedisKeyOf(key);
        try
        {
            var db = await _connection.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
            return await WithCancellation(db.KeyDeleteAsync(redisKey), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (RedisErrors.IsStoreFailure(exception, cancellationToken))
        {
            throw Translate(exception, "delete", redisKey);
        }
    }

    /// <inheritdoc />
    public async ValueTask<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var expired = await ListAsync(IdempotencyRecordFilter.Expired, now, int.MaxValue, cancellationToken).ConfigureAwait(false);
        var purged = 0;
        foreach (var record in expired)
        {
            var reply = await EvaluateAsync(
                PurgeScript,
                "purge",
                record.Key,
                [Number(now.ToUnixTimeSeconds()), Number(now.ToUnixTimeMilliseconds())],
                cancellationToken).ConfigureAwait(false);
            purged += (int)(long)reply;
        }

        return purged;
    }

    private async Task<List<string>> ScanKeysAsync(IDatabase db, CancellationToken cancellationToken)
    {
        // Every primary: a cluster spreads the records over its shards. Replicas hold copies, not more records.
        var pattern = EscapeGlob(_keyPrefix) + "*";
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var server in db.Multiplexer.GetServers().Where(s => s.IsConnected && !s.IsReplica))
        {
            await foreach (var key in server.KeysAsync(db.Database, pattern, ScanPageSize).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                keys.Add(key.ToString());
            }
        }

        return [.. keys];
    }

    private static string EscapeGlob(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }
}
