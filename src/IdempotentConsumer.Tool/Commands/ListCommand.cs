using IdempotentConsumer.Stores;
using IdempotentConsumer.Tool.Cli;
using IdempotentConsumer.Tool.Output;
using IdempotentConsumer.Tool.Stores;

namespace IdempotentConsumer.Tool.Commands;

/// <summary><c>list [--in-progress | --stuck | --expired]</c>: the records in a state, by key.</summary>
internal static class ListCommand
{
    private const int DefaultLimit = 100;

    public static async Task<int> RunAsync(ToolArguments args, ToolConsole console, CancellationToken cancellationToken)
    {
        var chosen = new[]
        {
            (Name: "in-progress", Filter: IdempotencyRecordFilter.InProgress),
            (Name: "stuck", Filter: IdempotencyRecordFilter.Stuck),
            (Name: "expired", Filter: IdempotencyRecordFilter.Expired),
        }.Where(f => args.Switch(f.Name)).ToList();
        if (chosen.Count > 1)
        {
            throw new UsageException($"Choose one filter, not {string.Join(" and ", chosen.Select(c => "--" + c.Name))}.");
        }

        if (args.Positionals.Count > 0)
        {
            throw new UsageException($"'list' takes no arguments; got '{args.Positionals[0]}'.");
        }

        var filter = chosen.Count == 0 ? IdempotencyRecordFilter.All : chosen[0].Filter;
        var limit = args.IntOption("limit", DefaultLimit);
        var json = args.Switch("json");
        await using var target = await StoreTarget.OpenAsync(args, cancellationToken).ConfigureAwait(false);
        args.EnsureAllRead();

        var now = console.Time.GetUtcNow();
        var records = await target.Admin.ListAsync(filter, now, limit, cancellationToken).ConfigureAwait(false);
        if (json)
        {
            RecordView.WriteJson(console.Out, records, now);
        }
        else
        {
            RecordView.WriteTable(console.Out, records, now);
        }

        return ExitCodes.Success;
    }
}
