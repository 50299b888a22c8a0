using System.Globalization;
using IdempotentConsumer.Testing.Storm;

namespace IdempotentConsumer.Storm;

/// <summary>One extended scenario on one store, and the table docs/reliability.md quotes.</summary>
internal sealed record ExtendedFigures(string Store, string Scenario, StormReport Report)
{
    public bool Passed => Report.DoubleEffects == 0 && Report.Lost == 0 && Report.DeadLetteredUnprocessed == 0 && Report.CrossUserReplays == 0 && !Report.TimedOut && Report.UntypedFailures == 0;

    public static void PrintTable(IReadOnlyList<ExtendedFigures> runs, TextWriter output)
    {
        string[] header = ["store", "scenario", "orders", "deliveries", "duplicates", "crashes", "double effects", "lost", "dead-lettered (unprocessed)", "cross-user replays", "time s"];
        var rows = runs.Select(r => new[]
        {
            r.Store,
            r.Scenario,
            N(r.Report.Messages),
            N(r.Report.Deliveries),
            N(r.Report.DuplicateSends + r.Report.ConcurrentDuplicates),
            N(r.Report.CrashesInjected),
            N(r.Report.DoubleEffects),
            N(r.Report.Lost),
            $"{N(r.Report.DeadLettered)} ({N(r.Report.DeadLetteredUnprocessed)})",
            N(r.Report.CrossUserReplays),
            r.Report.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture),
        }).ToList();

        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        output.WriteLine("| " + string.Join(" | ", header.Select((h, i) => h.PadRight(widths[i]))) + " |");
        output.WriteLine("| " + string.Join(" | ", widths.Select(w => new string('-', w))) + " |");
        foreach (var row in rows)
        {
            output.WriteLine("| " + string.Join(" | ", row.Select((c, i) => i < 2 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))) + " |");
        }
    }

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
