using System.Globalization;

namespace IdempotentConsumer.DynamoDB.Internal;

/// <summary>The numeric encodings of the schema: expiry in epoch seconds, lease in epoch milliseconds.</summary>
internal static class EpochTime
{
    public static string Seconds(DateTimeOffset value) => value.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Epoch seconds rounded up: the expiry of an in-progress record, which must never fall before its lease
    /// (kept in milliseconds), or TTL could delete the record while its handler still runs.
    /// </summary>
    public static string SecondsRoundedUp(DateTimeOffset value)
    {
        var seconds = value.ToUnixTimeSeconds();
        if (value.UtcTicks % TimeSpan.TicksPerSecond != 0)
        {
            seconds++;
        }

        return seconds.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The later of two instants.</summary>
    public static DateTimeOffset Later(DateTimeOffset first, DateTimeOffset second) => first >= second ? first : second;

    public static string Milliseconds(DateTimeOffset value) => value.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses a DynamoDB number as a whole count; other writers (Powertools, the CLI) may add a fraction or an exponent.</summary>
    public static bool TryParseWhole(string? number, out long value)
    {
        value = 0;
        if (number is null)
        {
            return false;
        }

        if (long.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value))
        {
            return true;
        }

        if (decimal.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            && parsed >= long.MinValue && parsed <= long.MaxValue)
        {
            value = (long)decimal.Truncate(parsed);
            return true;
        }

        return false;
    }
}
