using System.Globalization;
using IdempotentConsumer.Pipeline;

namespace IdempotentConsumer.Sqs;

/// <summary>The one SQS → <see cref="IncomingMessage"/> mapper, for Lambda records and SDK receives alike.</summary>
internal static class SqsIncomingMessages
{
    /// <summary>
    /// Creates the pipeline's view of an SQS message. Message attributes of type <c>String</c>/<c>Number</c> keep their
    /// text and <c>Binary</c> ones become base64; system attributes win over a message attribute of the same name, so a
    /// producer cannot shadow them.
    /// </summary>
    /// <param name="message">The SQS message.</param>
    /// <param name="body">The body to process; defaults to the message's (an envelope passes the unwrapped payload).</param>
    /// <param name="envelopeKey">Key material the envelope supplies, if any.</param>
    public static IncomingMessage ToIncoming(SqsTransportMessage message, string? body = null, string? envelopeKey = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var system = message.Attributes;
        var custom = message.MessageAttributes;
        var attributes = new Dictionary<string, string>(system.Count + custom.Count, StringComparer.Ordinal);
        foreach (var (name, attribute) in custom)
        {
            if (attribute.StringValue is { } text)
            {
                attributes[name] = text;
            }
            else if (attribute.BinaryValue is { } binary)
            {
                attributes[name] = Convert.ToBase64String(binary.Span);
            }
        }

        foreach (var (name, value) in system)
        {
            attributes[name] = value;
        }

        return new IncomingMessage
        {
            MessageId = message.MessageId,
            Body = body ?? message.Body,
            Attributes = attributes,
            ReceiveCount = ReadReceiveCount(system),
            MessageGroupId = message.MessageGroupId,
            MessageDeduplicationId = Read(system, SqsSystemAttributes.MessageDeduplicationId),
            SentTimestamp = long.TryParse(Read(system, SqsSystemAttributes.SentTimestamp), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
                ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
                : null,
            Transport = message,
            EnvelopeKey = envelopeKey,
        };
    }

    private static string? Read(IReadOnlyDictionary<string, string> attributes, string name) =>
        attributes.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    private static int ReadReceiveCount(IReadOnlyDictionary<string, string> attributes) =>
        int.TryParse(Read(attributes, SqsSystemAttributes.ApproximateReceiveCount), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0 ? count : 1;
}
