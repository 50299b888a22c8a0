using System.Globalization;
using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Pipeline;

namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>Turns a Lambda SQS record into the transport-neutral message the core pipeline reads.</summary>
public static class SqsIncomingMessages
{
    /// <summary>
    /// Creates the pipeline's view of a record. Message attributes of type <c>String</c>/<c>Number</c> keep their
    /// text, <c>Binary</c> ones become base64; system attributes are added last so a producer cannot shadow them.
    /// </summary>
    /// <param name="record">The SQS record.</param>
    /// <param name="body">The body to process; defaults to the record's (an envelope passes the unwrapped payload).</param>
    public static IncomingMessage Create(SQSEvent.SQSMessage record, string? body = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, attribute) in record.MessageAttributes ?? [])
        {
            if (attribute?.StringValue is { } text)
            {
                attributes[name] = text;
            }
            else if (attribute?.BinaryValue is { } binary)
            {
                attributes[name] = Convert.ToBase64String(binary.ToArray());
            }
        }

        var system = record.Attributes ?? [];
        foreach (var (name, value) in system)
        {
            attributes[name] = value;
        }

        return new IncomingMessage
        {
            MessageId = record.MessageId ?? string.Empty,
            Body = body ?? record.Body ?? string.Empty,
            Attributes = attributes,
            ReceiveCount = system.TryGetValue(SqsSystemAttributes.ApproximateReceiveCount, out var count)
                && int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0 ? parsed : 1,
            MessageGroupId = system.GetValueOrDefault(SqsSystemAttributes.MessageGroupId),
            MessageDeduplicationId = system.GetValueOrDefault(SqsSystemAttributes.MessageDeduplicationId),
            SentTimestamp = system.TryGetValue(SqsSystemAttributes.SentTimestamp, out var sent)
                && long.TryParse(sent, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null,
        };
    }

    /// <summary>The record's FIFO message group, or null on a standard queue.</summary>
    public static string? GetMessageGroupId(SQSEvent.SQSMessage record) =>
        record?.Attributes?.GetValueOrDefault(SqsSystemAttributes.MessageGroupId);

    /// <summary>True when the record comes from a FIFO queue (a <c>.fifo</c> source ARN or a message group).</summary>
    public static bool IsFromFifoQueue(SQSEvent.SQSMessage record) =>
        record is not null
        && ((record.EventSourceArn?.EndsWith(".fifo", StringComparison.Ordinal) ?? false) || GetMessageGroupId(record) is not null);
}
