using System.Text.Json;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Tool.Cli;
using IdempotentConsumer.Tool.Output;

namespace IdempotentConsumer.Tool.Commands;

/// <summary>
/// <c>key</c>: the key a consumer derives from a message body. It runs the consumer's own key code
/// (<see cref="IdempotencyExecutor.TryGetKey{TPayload}"/>) with the same prefix, key path, hash and key format.
/// </summary>
internal static class KeyCommand
{
    public static int Run(ToolArguments args, ToolConsole console)
    {
        var options = new IdempotencyOptions
        {
            KeyPrefix = args.RequiredOption("prefix", "the consumer's key prefix (its stable name)"),
            KeyJmesPath = args.Option("key-path"),
            HashAlgorithm = args.Option("hash") switch
            {
                null or "sha256" => IdempotencyHashAlgorithm.Sha256,
                "md5" => IdempotencyHashAlgorithm.Md5,
                var other => throw new UsageException($"Unknown hash '{other}': use sha256 or md5."),
            },
            KeyFormat = args.Option("key-format") switch
            {
                null or "default" => IdempotencyKeyFormat.Default,
                "powertools" => IdempotencyKeyFormat.Powertools,
                var other => throw new UsageException($"Unknown key format '{other}': use default or powertools."),
            },
        };
        var body = ReadBody(args, console);
        var json = args.Switch("json");
        args.EnsureAllRead();

        try
        {
            using var _ = JsonDocument.Parse(body);
        }
        catch (JsonException exception)
        {
            throw new UsageException($"The message body is not valid JSON: {exception.Message}");
        }

        // The executor never touches its store for a key; an in-memory one satisfies the constructor.
        var executor = new IdempotencyExecutor(new InMemoryIdempotencyStore(), options);
        if (!executor.TryGetKey(new IdempotencyInvocation<string>(body) { RawJson = body }, out var key))
        {
            throw new UsageException(options.KeyJmesPath is null
                ? "The message body holds no key (it is null or empty)."
                : $"The key path '{options.KeyJmesPath}' selects nothing in the message body (missing, null or empty).");
        }

        console.Out.WriteLine(json ? RecordView.Json(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("key", key);
            writer.WriteEndObject();
        }) : key);
        return ExitCodes.Success;
    }

    private static string ReadBody(ToolArguments args, ToolConsole console)
    {
        var inline = args.Option("body");
        var file = args.Option("body-file");
        if (inline is not null && file is not null)
        {
            throw new UsageException("Give the body once: --body or --body-file.");
        }

        if (inline is not null)
        {
            return inline;
        }

        if (file is null || file == "-")
        {
            return console.In.ReadToEnd();
        }

        return File.Exists(file) ? File.ReadAllText(file) : throw new UsageException($"Body file '{file}' does not exist.");
    }
}
