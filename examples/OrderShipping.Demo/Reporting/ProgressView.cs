using System.Globalization;
using Spectre.Console;

namespace OrderShipping.Demo.Reporting;

/// <summary>Shows the run live: sends, shipped orders and settled messages, with the fault counters underneath.</summary>
internal static class ProgressView
{
    public static async Task<DemoReport> RunAsync(IAnsiConsole console, DemoRunner runner, CancellationToken cancellationToken)
    {
        var run = runner.RunAsync(cancellationToken);
        var statistics = runner.Statistics;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var sends = context.AddTask("Producer sends", maxValue: runner.Plan.TotalSends);
                var shipped = context.AddTask("Orders shipped", maxValue: runner.Plan.Orders.Count);
                var settled = context.AddTask("Messages settled", maxValue: runner.Plan.TotalSends);
                while (true)
                {
                    sends.Value = statistics.Sent;
                    shipped.Value = runner.ShippingApi.ShippedOrderCount;
                    shipped.Description = string.Create(
                        CultureInfo.InvariantCulture,
                        $"Orders shipped [grey](deliveries {statistics.Deliveries}, crashes {statistics.Crashes}, replays {statistics.Replays}, in progress {statistics.InProgressRejections})[/]");
                    settled.Value = statistics.Settled;
                    if (run.IsCompleted)
                    {
                        break;
                    }

                    await Task.WhenAny(run, Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None)).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        return await run.ConfigureAwait(false);
    }
}
