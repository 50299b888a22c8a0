using IdempotentConsumer.Tool.Cli;
using IdempotentConsumer.Tool.Output;
using IdempotentConsumer.Tool.Stores;

namespace IdempotentConsumer.Tool.Commands;

/// <summary>
/// <c>purge-expired</c>: deletes records past their expiry (an in-progress one under a live lease stays). DynamoDB's
/// TTL does this within days on its own; SQLite has no TTL.
/// </summary>
internal static class PurgeExpiredCommand
{
    public static async Task<int> RunAsync(ToolArguments args, ToolConsole console, CancellationToken cancellationToken)
    {
        if (args.Positionals.Count > 0)
        {
            throw new UsageException($"'purge-expired' takes no arguments; got '{args.Positionals[0]}'.");
        }

        var json = args.Switch("json");
        await using var target = await StoreTarget.OpenAsync(args, cancellationToken).ConfigureAwait(false);
        args.EnsureAllRead();
        var purged = await target.Admin.PurgeExpiredAsync(console.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        console.Out.WriteLine(json
            ? RecordView.Json(writer =>
            {
                writer.WriteStartObject();
                writer.WriteNumber("purged", purged);
                writer.WriteEndObject();
            })
            : $"Purged {purged} expired record{(purged == 1 ? string.Empty : "s")} from {target.Description}.");
        return ExitCodes.Success;
    }
}
