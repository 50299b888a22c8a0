using System.Globalization;
using IdempotentConsumer.Testing.Storm;

namespace IdempotentConsumer.Storm;

/// <summary>The figures of one store's run: the storm's report plus what the shipping API saw.</summary>
internal sealed record StormFigures(StoreUnderTest Store, StormReport Report, ShippingApi Shipping)
{
    /// <summary>Orders the API shipped more than once (a double effect the customer would see).</summary>
    public int DoubleShipments => Shipping.ShipmentsByOrder.Count(o => o.Value > 1);

    /// <summary>Orders the API never shipped.</summary>
    public int Unshipped => Report.Messages - Shipping.ShipmentsByOrder.Count;

    /// <summary>Orders whose handler ran more than once: what a side effect ignoring the key would have done twice.</summary>
    public int ReExecuted => Report.PerMessage.Count(m => m.HandlerInvocations > 1);

    public bool Passed => DoubleShipments == 0 && Unshipped == 0 && Report.DoubleEffects == 0 && Report.Lost == 0 && !Report.TimedOut && Report.UntypedFailures == 0;

    public static void PrintTable(IReadOnlyList<StormFigures> runs, TextWriter output)
    {
        string[] header = ["store", "orders", "sends", "dup sends", "conc copies", "deliveries", "redeliveries", "invocations", "re-executed", "crashes", "lease lapses", "store faults", "stale rejects", "untyped", "double", "lost", "time s", "orders/s"];
        var rows = runs.Select(r => new[]
        {
            r.Store.Name,
            N(r.Report.Messages),
            N(r.Report.Sends),
            N(r.Report.DuplicateSends),
            N(r.Report.ConcurrentDuplicates),
            N(r.Report.Deliveries),
            N(r.Report.Redeliveries),
            N(r.Report.HandlerInvocations),
            N(r.ReExecuted),
            N(r.Report.CrashesInjected),
            N(r.Report.LeaseExpiriesInjected),
            N(r.Report.StoreFaultsInjected),
            N(r.Report.StaleOwnerRejections),
            N(r.Report.UntypedFailures),
            N(Math.Max(r.DoubleShipments, r.Report.DoubleEffects)),
            N(Math.Max(r.Unshipped, r.Report.Lost)),
            r.Report.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture),
            (r.Report.Messages / r.Report.Elapsed.TotalSeconds).ToString("F0", CultureInfo.InvariantCulture),
        }).ToList();

        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        output.WriteLine("| " + string.Join(" | ", header.Select((h, i) => h.PadRight(widths[i]))) + " |");
        output.WriteLine("| " + string.Join(" | ", widths.Select(w => new string('-', w))) + " |");
        foreach (var row in rows)
        {
            output.WriteLine("| " + string.Join(" | ", row.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))) + " |");
        }
    }

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
