using OrderShipping.Demo.Options;
using OrderShipping.Demo.Reporting;
using Spectre.Console.Testing;

namespace OrderShipping.Demo.Tests;

public sealed class SummaryViewTests
{
    private static DemoReport Report(IReadOnlyDictionary<string, int> doubleShipped, IReadOnlyList<string> lost) => new()
    {
        Options = new DemoOptions(),
        StoreDescription = "test store",
        QueueDescription = "test queue",
        Elapsed = TimeSpan.FromSeconds(2),
        TimedOut = false,
        Orders = 10,
        MessagesSent = 12,
        DuplicateSends = 2,
        Deliveries = 15,
        Redeliveries = 3,
        Crashes = 1,
        Executions = 10,
        Replays = 3,
        InProgressRejections = 1,
        ShippingCalls = 11,
        IdempotencyKeyHits = 1,
        Shipments = 10 + doubleShipped.Values.Sum(count => count - 1),
        DoubleShipped = doubleShipped,
        Lost = lost,
    };

    [Fact]
    public void Given_a_clean_run_Then_the_table_shows_zero_double_shipments_and_zero_lost()
    {
        var console = new TestConsole().Width(160);

        SummaryView.Render(console, Report(new Dictionary<string, int>(), []));

        var lines = console.Lines;
        Assert.Contains(lines, line => line.Contains("Double shipments", StringComparison.Ordinal) && line.Contains(" 0 ", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("Lost", StringComparison.Ordinal) && line.Contains(" 0 ", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("Duplicates suppressed", StringComparison.Ordinal) && line.Contains(" 5 ", StringComparison.Ordinal));
        Assert.Contains("shipped exactly once", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_double_shipments_and_lost_orders_Then_they_are_counted_and_named()
    {
        var console = new TestConsole().Width(160);

        SummaryView.Render(console, Report(new Dictionary<string, int> { ["ORD-2"] = 3 }, ["ORD-9"]));

        Assert.Contains(console.Lines, line => line.Contains("Double shipments", StringComparison.Ordinal) && line.Contains(" 1 ", StringComparison.Ordinal) && line.Contains("2 extra parcels", StringComparison.Ordinal));
        Assert.Contains("ORD-2 ×3", console.Output, StringComparison.Ordinal);
        Assert.Contains("ORD-9", console.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("shipped exactly once", console.Output, StringComparison.Ordinal);
    }
}
