namespace IdempotentConsumer.Sqlite.Internal;

/// <summary>The integer time encodings of the table: expiration in epoch seconds, the lease in epoch milliseconds.</summary>
internal static class SqliteTime
{
    /// <summary>
    /// Epoch seconds rounded up: an in-progress record's expiry must not fall before its lease (kept in milliseconds),
    /// or a purge could delete it while its handler still runs.
    /// </summary>
    public static long SecondsRoundedUp(DateTimeOffset value)
    {
        var seconds = value.ToUnixTimeSeconds();
        return value.UtcTicks % TimeSpan.TicksPerSecond == 0 ? seconds : seconds + 1;
    }
}
