namespace IdempotentConsumer.Redis.Internal;

/// <summary>
/// The Lua scripts behind the four writes. Each touches only KEYS[1] (so Redis Cluster routes it to one slot) and
/// decides from the caller's clock passed in ARGV, never from Redis TIME. StackExchange.Redis sends them as EVALSHA
/// once the server has seen them, and falls back to EVAL when the server answers NOSCRIPT (after SCRIPT FLUSH or a
/// restart).
/// </summary>
/// <remarks>
/// <para>
/// The key's Redis expiry is kept in the caller's time frame, so skew between the consumers' clocks and the Redis clock
/// never matters: begin sets a relative TTL of (expiration - now) + margin; complete and extend move the remaining TTL
/// by exactly as much as they move the stored expiration (PTTL + delta). Only a key that has lost its TTL (PERSIST by
/// hand) gets an absolute PEXPIREAT from the caller's clock.
/// </para>
/// <para>
/// Times are compared with <c>tonumber</c> (epoch seconds and milliseconds are far below 2^53, so exact as Lua doubles);
/// stored times are always the caller's text, never formatted by Lua; TTLs Lua computes are formatted with <c>%d</c>.
/// </para>
/// </remarks>
internal static class RedisScripts
{
    /// <summary>
    /// Begin. ARGV: now (epoch s), now (epoch ms), expiration (epoch s), lease end (epoch ms), owner,
    /// has validation ('1'/'0'), validation, key TTL (ms, for PEXPIRE).
    /// Returns 1 when this attempt took the key; otherwise the blocking record as HGETALL pairs. The key is taken when
    /// it is absent, expired, or in progress with a lapsed lease; a hash without a status is never overwritten (the
    /// caller reports it as corrupt).
    /// </summary>
    public const string Begin = """
        local key = KEYS[1]
        local current = redis.call('HMGET', key, 'status', 'expiration', 'in_progress_expiration')
        local status = current[1]
        if status then
          local expiration = tonumber(current[2])
          local lease = tonumber(current[3])
          local expired = expiration ~= nil and expiration <= tonumber(ARGV[1])
          local lapsed = status == 'INPROGRESS' and lease ~= nil and lease <= tonumber(ARGV[2])
          if not expired and not lapsed then
            return redis.call('HGETALL', key)
          end
        elseif redis.call('EXISTS', key) == 1 then
          return redis.call('HGETALL', key)
        end
        redis.call('DEL', key)
        redis.call('HSET', key, 'status', 'INPROGRESS', 'expiration', ARGV[3], 'in_progress_expiration', ARGV[4], 'owner', ARGV[5])
        if ARGV[6] == '1' then
          redis.call('HSET', key, 'validation', ARGV[7])
        end
        redis.call('PEXPIRE', key, ARGV[8])
        return 1
        """;

    /// <summary>
    /// Complete. ARGV: owner, expiration (epoch s), key expiry (epoch ms, used only when the key has no TTL), has data,
    /// data, response not stored ('1'/'0'), has validation, validation. Returns 1 when written, 0 when the owner does not
    /// hold the key. The lease is removed and the key's TTL moves by as much as the stored expiration does.
    /// </summary>
    public const string Complete = """
        local key = KEYS[1]
        local current = redis.call('HMGET', key, 'owner', 'expiration')
        if current[1] ~= ARGV[1] then
          return 0
        end
        local ttl = redis.call('PTTL', key)
        local previous = tonumber(current[2])
        redis.call('HSET', key, 'status', 'COMPLETED', 'expiration', ARGV[2])
        redis.call('HDEL', key, 'in_progress_expiration')
        if ARGV[4] == '1' then
          redis.call('HSET', key, 'data', ARGV[5])
        else
          redis.call('HDEL', key, 'data')
        end
        if ARGV[6] == '1' then
          redis.call('HSET', key, 'response_not_stored', '1')
        else
          redis.call('HDEL', key, 'response_not_stored')
        end
        if ARGV[7] == '1' then
          redis.call('HSET', key, 'validation', ARGV[8])
        end
        if ttl >= 0 and previous ~= nil then
          local moved = ttl + (tonumber(ARGV[2]) - previous) * 1000
          if moved < 1 then
            moved = 1
          end
          redis.call('PEXPIRE', key, string.format('%d', moved))
        else
          redis.call('PEXPIREAT', key, ARGV[3])
        end
        return 1
        """;

    /// <summary>Release. ARGV: owner. Deletes the key and returns 1 when the owner holds it; 0 otherwise.</summary>
    public const string Release = """
        local key = KEYS[1]
        if redis.call('HGET', key, 'owner') ~= ARGV[1] then
          return 0
        end
        redis.call('DEL', key)
        return 1
        """;

    /// <summary>
    /// Extend the lease. ARGV: owner, lease end (epoch ms), expiration (epoch s, never before the lease end),
    /// key expiry (epoch ms, used only when the key has no TTL). Returns 1 when written, 0 when the owner does not hold
    /// an in-progress record. The stored expiration and the key's TTL only move forward, together.
    /// </summary>
    public const string ExtendLease = """
        local key = KEYS[1]
        local current = redis.call('HMGET', key, 'owner', 'status', 'expiration')
        if current[1] ~= ARGV[1] or current[2] ~= 'INPROGRESS' then
          return 0
        end
        redis.call('HSET', key, 'in_progress_expiration', ARGV[2])
        local previous = tonumber(current[3])
        local ttl = redis.call('PTTL', key)
        if previous ~= nil and ttl >= 0 then
          if previous < tonumber(ARGV[3]) then
            redis.call('HSET', key, 'expiration', ARGV[3])
            redis.call('PEXPIRE', key, string.format('%d', ttl + (tonumber(ARGV[3]) - previous) * 1000))
          end
        else
          redis.call('HSET', key, 'expiration', ARGV[3])
          redis.call('PEXPIREAT', key, ARGV[4])
        end
        return 1
        """;
}
