using System.Globalization;

namespace IdempotentConsumer.Bench.StoreBench;

/// <summary>The arguments every store bench takes (<c>--n</c>, <c>--concurrency</c>, <c>--warmup</c>, <c>--rounds</c>), plus the bench's own.</summary>
internal sealed class StoreBenchArguments
{
    public int Records { get; private set; }

    public int Concurrency { get; private set; } = 16;

    public int Warmup { get; private set; } = 500;

    public int Rounds { get; private set; } = 5;

    /// <summary>Parses <paramref name="args"/>; <paramref name="own"/> takes the bench's own options (name, value) and returns false for unknown ones.</summary>
    /// <exception cref="ArgumentException">An unknown argument or a missing value.</exception>
    public static StoreBenchArguments Parse(string[] args, int defaultRecords, Func<string, Func<string>, bool> own)
    {
        var parsed = new StoreBenchArguments { Records = defaultRecords };
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            switch (name)
            {
                case "--n": parsed.Records = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--concurrency": parsed.Concurrency = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--warmup": parsed.Warmup = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--rounds": parsed.Rounds = Math.Max(1, int.Parse(Next(), CultureInfo.InvariantCulture)); break;
                default:
                    if (!own(name, Next))
                    {
                        throw new ArgumentException($"Unknown argument '{name}'.");
                    }

                    break;
            }
        }

        return parsed;
    }

    public override string ToString() =>
        $"N = {Records}, concurrency = {Concurrency}, warm-up = {Warmup}, rounds = {Rounds}, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {RoundsReport.LoadAverage()}";
}
