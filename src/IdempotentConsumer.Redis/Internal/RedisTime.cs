namespace IdempotentConsumer.Redis.Internal;

/// <summary>The numeric encodings: record expiry in epoch seconds, lease in epoch milliseconds, Redis key expiry in epoch ms.</summary>
internal static class RedisTime
{
    /// <summary>The later of two instants.</summary>
    public static DateTimeOffset Later(DateTimeOffset first, DateTimeOffset second) => first >= second ? first : second;

    /// <summary>
    /// Epoch seconds rounded up: the expiry of an in-progress record, which must never fall before its lease
    /// (kept in milliseconds), or an expiry check could hand the record to another attempt while its handler runs.
    /// </summary>
    public static long SecondsRoundedUp(DateTimeOffset value)
    {
        var seconds = value.ToUnixTimeSeconds();
        return value.UtcTicks % TimeSpan.TicksPerSecond != 0 ? seconds + 1 : seconds;
    }

    /// <summary>
    /// The PEXPIRE argument at begin: how long from the caller's <paramref name="now"/> until the stored expiry, plus the
    /// margin, and at least 1 ms. Relative, so the Redis clock never has to agree with the caller's.
    /// </summary>
    public static long KeyTimeToLiveMilliseconds(long expirationSeconds, DateTimeOffset now, TimeSpan margin)
    {
        var untilExpiry = (expirationSeconds * 1000) - now.ToUnixTimeMilliseconds();
        return Math.Max(1, Math.Max(0, untilExpiry) + (long)margin.TotalMilliseconds);
    }

    /// <summary>The PEXPIREAT argument for a record whose stored expiry is <paramref name="expirationSeconds"/> (only for a key that lost its TTL).</summary>
    public static long KeyExpiryMilliseconds(long expirationSeconds, TimeSpan margin) =>
        checked((expirationSeconds * 1000) + (long)margin.TotalMilliseconds);
}
