using IdempotentConsumer.Tool.Cli;
using IdempotentConsumer.Tool.Output;
using IdempotentConsumer.Tool.Stores;

namespace IdempotentConsumer.Tool.Commands;

/// <summary><c>show KEY</c>: one record's status, lease, expiry, owner and stored response.</summary>
internal static class ShowCommand
{
    public static async Task<int> RunAsync(ToolArguments args, ToolConsole console, CancellationToken cancellationToken)
    {
        var key = SingleKey(args, "show");
        var json = args.Switch("json");
        await using var target = await StoreTarget.OpenAsync(args, cancellationToken).ConfigureAwait(false);
        args.EnsureAllRead();
        var record = await target.Admin.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            await console.Error.WriteLineAsync($"No record '{key}' in {target.Description}.").ConfigureAwait(false);
            return ExitCodes.NotFound;
        }

        var now = console.Time.GetUtcNow();
        if (json)
        {
            RecordView.WriteJson(console.Out, record, now);
        }
        else
        {
            RecordView.WriteDetail(console.Out, record, now);
        }

        return ExitCodes.Success;
    }

    /// <summary>The one positional argument a command takes: the full key (as <c>key</c> prints it).</summary>
    public static string SingleKey(ToolArguments args, string command) => args.Positionals.Count switch
    {
        1 when args.Positionals[0].Length > 0 => args.Positionals[0],
        0 => throw new UsageException($"'{command}' needs the record's key (print it with 'idempotency key')."),
        _ => throw new UsageException($"'{command}' takes one key; got {args.Positionals.Count} arguments."),
    };
}
