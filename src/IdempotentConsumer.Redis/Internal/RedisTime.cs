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

    /// <summary>The PEXPIREAT argument for a record whose stored expiry is <paramref name="expirationSeconds"/>.</summary>
    public static long KeyExpiryMilliseconds(long expirationSeconds, TimeSpan margin) =>
        checked((expirationSeconds * 1000) + (long)margin.TotalMilliseconds);
}
