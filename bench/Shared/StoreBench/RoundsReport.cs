using System.Globalization;

namespace IdempotentConsumer.Bench.StoreBench;

/// <summary>Prints each round's phases as they finish, then the median (min - max) of every phase over the rounds.</summary>
internal sealed class RoundsReport
{
    private readonly List<IReadOnlyList<PhaseResult>> _rounds = [];

    public void Add(int round, IReadOnlyList<PhaseResult> phases)
    {
        foreach (var phase in phases)
        {
            Console.WriteLine($"   [{round}] {phase.Name,-22} {phase.RecordsPerSecond,8:0} records/s  p50 {phase.P50Milliseconds,6:0.000} ms  p99 {phase.P99Milliseconds,6:0.000} ms  handler runs {phase.Executions}");
        }

        _rounds.Add(phases);
    }

    public void PrintSummary()
    {
        Console.WriteLine();
        Console.WriteLine($"median of {_rounds.Count} rounds (min - max), each after its own warm-up; load average at the end {LoadAverage()}");
        Console.WriteLine("| phase | records/s | p50 ms | p99 ms |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        for (var p = 0; p < _rounds[0].Count; p++)
        {
            var phase = _rounds.Select(r => r[p]).ToList();
            Console.WriteLine($"| {phase[0].Name} | {Summary(phase.Select(x => x.RecordsPerSecond), "0")} | {Summary(phase.Select(x => x.P50Milliseconds), "0.000")} | {Summary(phase.Select(x => x.P99Milliseconds), "0.000")} |");
        }
    }

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static string Summary(IEnumerable<double> values, string format)
    {
        var sorted = values.Order().ToList();
        var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        return $"{median.ToString(format, CultureInfo.InvariantCulture)} ({sorted[0].ToString(format, CultureInfo.InvariantCulture)} - {sorted[^1].ToString(format, CultureInfo.InvariantCulture)})";
    }
}
