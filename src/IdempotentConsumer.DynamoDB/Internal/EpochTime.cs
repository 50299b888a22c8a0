using System.Globalization;

namespace IdempotentConsumer.DynamoDB.Internal;

/// <summary>The numeric encodings of the schema: expiry in epoch seconds, lease in epoch milliseconds.</summary>
internal static class EpochTime
{
    public static string Seconds(DateTimeOffset value) => value.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

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
