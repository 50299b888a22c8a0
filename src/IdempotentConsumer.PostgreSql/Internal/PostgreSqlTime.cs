namespace IdempotentConsumer.PostgreSql.Internal;

/// <summary>The integer time encodings of the table: expiration in epoch seconds, the lease in epoch milliseconds.</summary>
internal static class PostgreSqlTime
{
    /// <summary>The later of two instants.</summary>
    public static DateTimeOffset Later(DateTimeOffset first, DateTimeOffset second) => first >= second ? first : second;

    /// <summary>
    /// Epoch seconds rounded up: an in-progress record's expiry must not fall before its lease (kept in milliseconds),
    /// or an expiry check or a purge could take the record from a live handler.
    /// </summary>
    public static long SecondsRoundedUp(DateTimeOffset value)
    {
        var seconds = value.ToUnixTimeSeconds();
        return value.UtcTicks % TimeSpan.TicksPerSecond == 0 ? seconds : seconds + 1;
    }
}
