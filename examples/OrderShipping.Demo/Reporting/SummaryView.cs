using System.Globalization;
using Spectre.Console;

namespace OrderShipping.Demo.Reporting;

/// <summary>The final table: what the faults did, what idempotency absorbed, and the verdict per order.</summary>
internal static class SummaryView
{
    public static void Render(IAnsiConsole console, DemoReport report)
    {
        var mode = report.Options.Idempotency ? "[green]with idempotency[/]" : "[red]WITHOUT idempotency[/]";
        var table = new Table()
            .Border(TableBorder.Rounded)
            .Title($"Order shipping {mode}: {Markup.Escape(report.StoreDescription)}, {Markup.Escape(report.QueueDescription)}")
            .AddColumn("What")
            .AddColumn(new TableColumn("Count").RightAligned())
            .AddColumn("Where it came from");

        Row(table, "Orders", report.Orders, "placed in the shop");
        Row(table, "Messages sent", report.MessagesSent, $"{N(report.DuplicateSends)} duplicate sends: the producer retried after a timeout");
        if (report.Options.Fifo)
        {
            Row(table, "Sends deduplicated by SQS (FIFO)", report.SendsDeduplicatedByQueue, "retried sends SQS dropped: same deduplication id (the key hash) within 5 minutes, body serialized again");
        }

        Row(table, "Deliveries", report.Deliveries, $"{N(report.Redeliveries)} redeliveries: visibility expired, or a consumer crashed holding them");
        Row(table, "Consumer crashes", report.Crashes, "after the shipping call, before the record was completed");
        Row(table, "Handler completions", report.Executions, "the handler ran to the end");
        Row(table, "Duplicates suppressed", report.DuplicatesSuppressed, "stopped by the consumer: deliveries that shipped nothing new:");
        Row(table, "  replays", report.Replays, "answered from the COMPLETED record; the handler did not run");
        Row(table, "  in progress", report.InProgressRejections, "another attempt held the order; offered again later");
        Row(table, "  Idempotency-Key hits", report.IdempotencyKeyHits, "the carrier returned the shipment made before a crash");
        Row(table, "Shipping API calls", report.ShippingCalls, "requests the carrier received");
        Row(table, "Shipments", report.Shipments, "parcels that left the warehouse");
        table.AddRow(
            new Markup("[bold]Double shipments[/]"),
            Colored(report.DoubleShipped.Count),
            new Markup(Markup.Escape($"orders shipped more than once ({N(report.ExtraParcels)} extra parcels)")));
        table.AddRow(new Markup("[bold]Lost[/]"), Colored(report.Lost.Count), new Markup("orders never shipped"));
        console.Write(table);

        if (report.EveryOrderShippedOnce)
        {
            console.MarkupLine(string.Create(
                CultureInfo.InvariantCulture,
                $"[green bold]Every one of the {N(report.Orders)} orders shipped exactly once[/] in {report.Elapsed.TotalSeconds:0.0} s."));
            return;
        }

        if (report.DoubleShipped.Count > 0)
        {
            var examples = string.Join(", ", report.DoubleShipped.OrderBy(pair => pair.Key, StringComparer.Ordinal).Take(5).Select(pair => $"{pair.Key} ×{pair.Value}"));
            console.MarkupLine($"[red bold]{N(report.DoubleShipped.Count)} orders shipped more than once[/] (e.g. {Markup.Escape(examples)}).");
        }

        if (report.Lost.Count > 0)
        {
            console.MarkupLine($"[red bold]{N(report.Lost.Count)} orders never shipped[/] (e.g. {Markup.Escape(string.Join(", ", report.Lost.Take(5)))}).");
        }

        if (report.TimedOut)
        {
            console.MarkupLine($"[yellow]The run stopped at its {report.Options.Timeout.TotalSeconds:0} s time limit.[/]");
        }

        if (!report.Options.Idempotency)
        {
            console.MarkupLine("[grey]Run it again without --no-idempotency to see every order ship exactly once.[/]");
        }
    }

    private static void Row(Table table, string what, int count, string why) =>
        table.AddRow(new Text(what), new Text(N(count)), new Text(why, new Style(Color.Grey)));

    private static Markup Colored(int count) => new(count == 0 ? "[green bold]0[/]" : $"[red bold]{N(count)}[/]");

    private static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
