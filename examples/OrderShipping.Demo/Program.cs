using OrderShipping.Demo;
using OrderShipping.Demo.Options;
using OrderShipping.Demo.Reporting;
using Spectre.Console;

// Exit codes: 0 every order shipped exactly once; 1 some shipped twice or never; 2 bad arguments; 3 the run itself failed.
var (options, error) = DemoOptionsParser.Parse(args);
if (options is null)
{
    if (error is not null)
    {
        AnsiConsole.MarkupLine($"[red]{Markup.Escape(error)}[/]");
    }

    AnsiConsole.WriteLine(DemoOptionsParser.Usage);
    return error is null ? 0 : 2;
}

using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupted.Cancel();
};

var runner = new DemoRunner(options);
AnsiConsole.MarkupLine(
    $"[bold]{runner.Plan.Orders.Count:N0} orders[/], {options.Consumers} consumers, seed {options.Seed}: "
    + $"{runner.Plan.DuplicateSends:N0} duplicate sends, {runner.Plan.PlannedCrashes:N0} orders that crash their consumer after shipping, {runner.Plan.PlannedSlowHandlings:N0} slower than the visibility timeout.");
try
{
    var report = options.ShowProgress && AnsiConsole.Profile.Capabilities.Interactive
        ? await ProgressView.RunAsync(AnsiConsole.Console, runner, interrupted.Token)
        : await runner.RunAsync(interrupted.Token);
    SummaryView.Render(AnsiConsole.Console, report);
    return report.EveryOrderShippedOnce ? 0 : 1;
}
catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
{
    AnsiConsole.MarkupLine("[yellow]Interrupted.[/]");
    return 3;
}
catch (Exception ex) when (ex is not OutOfMemoryException)
{
    AnsiConsole.MarkupLine($"[red]The demo could not run:[/] {Markup.Escape(ex.Message)}");
    return 3;
}
