using System.Collections.Concurrent;
using System.Text.Json;
using IdempotentConsumer.Lambda.Logging;

namespace IdempotentConsumer.Lambda.Tests.Support;

/// <summary>Keeps what the function wrote to <c>context.Logger</c>; parses the JSON lines of the structured logger.</summary>
public sealed class CapturingLambdaLogger : LambdaLoggerBase
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public override void Log(string message) => _lines.Enqueue(message);

    public override void LogLine(string message) => _lines.Enqueue(message);

    /// <summary>The structured entries (JSON lines) as documents.</summary>
    public IReadOnlyList<JsonElement> Entries() =>
        [.. _lines.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    /// <summary>The structured entries about one message id.</summary>
    public IReadOnlyList<JsonElement> EntriesFor(string messageId) =>
        [.. Entries().Where(e => e.TryGetProperty("messageId", out var id) && id.GetString() == messageId)];
}
