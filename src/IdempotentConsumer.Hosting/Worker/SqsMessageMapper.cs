using System.Globalization;
using Amazon.SQS.Model;
using IdempotentConsumer.Pipeline;

namespace IdempotentConsumer.Hosting.Worker;

/// <summary>Turns an SQS message into the transport-neutral <see cref="IncomingMessage"/> the pipeline reads.</summary>
internal static class SqsMessageMapper
{
    public const string ApproximateReceiveCount = "ApproximateReceiveCount";
    public const string MessageGroupId = "MessageGroupId";
    public const string MessageDeduplicationId = "MessageDeduplicationId";
    public const string SentTimestamp = "SentTimestamp";

    /// <summary>System attributes first; a message attribute with the same name as one does not replace it.</summary>
    public static IncomingMessage ToIncoming(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);

        // SDK v4 leaves collections null when SQS sent none.
        var system = message.Attributes;
        var custom = message.MessageAttributes;
        var attributes = new Dictionary<string, string>((system?.Count ?? 0) + (custom?.Count ?? 0), StringComparer.Ordinal);
        if (system is not null)
        {
            foreach (var (name, value) in system)
            {
                attributes[name] = value;
            }
        }

        if (custom is not null)
        {
            foreach (var (name, value) in custom)
            {
                if (value?.StringValue is { } text)
                {
                    attributes.TryAdd(name, text);
                }
            }
        }

        return new IncomingMessage
        {
            MessageId = message.MessageId ?? string.Empty,
            Body = message.Body ?? string.Empty,
            Attributes = attributes,
            ReceiveCount = ReadReceiveCount(system),
            MessageGroupId = Read(system, MessageGroupId),
            MessageDeduplicationId = Read(system, MessageDeduplicationId),
            SentTimestamp = ReadTimestamp(system, SentTimestamp),
        };
    }

    private static string? Read(Dictionary<string, string>? attributes, string name) =>
        attributes is not null && attributes.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    private static int ReadReceiveCount(Dictionary<string, string>? attributes) =>
        int.TryParse(Read(attributes, ApproximateReceiveCount), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) && count > 0 ? count : 1;

    private static DateTimeOffset? ReadTimestamp(Dictionary<string, string>? attributes, string name) =>
        long.TryParse(Read(attributes, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var epochMs)
            ? DateTimeOffset.FromUnixTimeMilliseconds(epochMs)
            : null;
}
