using System.Globalization;
using IdempotentConsumer.Tool.Cli;
using IdempotentConsumer.Tool.Output;
using IdempotentConsumer.Tool.Stores;

namespace IdempotentConsumer.Tool.Commands;

/// <summary>
/// <c>evict KEY [--yes]</c>: deletes a record whatever its state, so the next delivery runs the handler again.
/// Shows the record and asks first (unless <c>--yes</c>); every eviction is logged on stderr with what was removed.
/// </summary>
internal static class EvictCommand
{
    public static async Task<int> RunAsync(ToolArguments args, ToolConsole console, CancellationToken cancellationToken)
    {
        var key = ShowCommand.SingleKey(args, "evict");
        var yes = args.Switch("yes");
        var json = args.Switch("json");
        await using var target = await StoreTarget.OpenAsync(args, cancellationToken).ConfigureAwait(false);
        args.EnsureAllRead();

        var now = console.Time.GetUtcNow();
        var record = await target.Admin.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            await console.Error.WriteLineAsync($"No record '{key}' in {target.Description}.").ConfigureAwait(false);
            return ExitCodes.NotFound;
        }

        if (!yes)
        {
            // The prompt goes to stderr, so stdout stays the command's result for scripts.
            RecordView.WriteDetail(console.Error, record, now);
            await console.Error.WriteAsync($"Evict this record from {target.Description}? The next delivery of its message runs the handler again. [y/N] ").ConfigureAwait(false);
            var answer = (await console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false))?.Trim();
            if (Console.IsInputRedirected)
            {
                // A piped answer is not echoed: end the prompt's line before the log line.
                await console.Error.WriteLineAsync().ConfigureAwait(false);
            }
            if (answer is not ("y" or "Y" or "yes"))
            {
                await console.Error.WriteLineAsync("Not evicted.").ConfigureAwait(false);
                return ExitCodes.Declined;
            }
        }

        var deleted = await target.Admin.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        var state = RecordView.State(record, now);
        await console.Error.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"{now.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} evict key={key} state={state} owner={record.OwnerToken ?? "-"} store=\"{target.Description}\" user={Environment.UserName} deleted={deleted.ToString().ToLowerInvariant()}")).ConfigureAwait(false);
        console.Out.WriteLine(json
            ? RecordView.Json(writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("key", key);
                writer.WriteBoolean("evicted", deleted);
                writer.WriteString("previousState", state);
                writer.WriteEndObject();
            })
            : deleted ? $"Evicted '{key}' (was {state})." : $"'{key}' was already gone.");
        return ExitCodes.Success;
    }
}
