using System.Globalization;

namespace IdempotentConsumer.DynamoDB.Bench;

/// <summary>Median, min and max of per-round values: the spread says how much one round can be trusted.</summary>
internal static class Spread
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>"min / median / max" with <paramref name="format"/>.</summary>
    public static string MinMedianMax(IReadOnlyCollection<double> values, string format = "0") => values.Count == 0
        ? "n/a"
        : string.Create(CultureInfo.InvariantCulture, $"{values.Min().ToString(format, CultureInfo.InvariantCulture)} / {Median(values).ToString(format, CultureInfo.InvariantCulture)} / {values.Max().ToString(format, CultureInfo.InvariantCulture)}");

    /// <summary>The median of per-round ratios a[i] ÷ b[i], with their min and max: "2.10× (1.90–2.30)".</summary>
    public static string Ratio(IReadOnlyList<double> numerators, IReadOnlyList<double> denominators)
    {
        if (numerators.Count == 0 || denominators.Count == 0)
        {
            return "n/a";
        }

        var ratios = numerators.Zip(denominators, (a, b) => a / b).ToArray();
        return string.Create(CultureInfo.InvariantCulture, $"{Median(ratios):0.00}× ({ratios.Min():0.00}–{ratios.Max():0.00})");
    }
}
