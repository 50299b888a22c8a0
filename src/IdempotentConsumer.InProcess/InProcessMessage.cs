using IdempotentConsumer.Sqs;

namespace IdempotentConsumer.InProcess;

/// <summary>One delivery of a message, as <see cref="InProcessQueue.ReceiveAsync(int, TimeSpan?, CancellationToken)"/> returns it.</summary>
public sealed record InProcessMessage
{
    /// <summary>The id assigned at send; the same on every delivery of the message (and on an injected duplicate).</summary>
    public required string MessageId { get; init; }

    /// <summary>Identifies this delivery. Only the latest delivery's handle can delete the message or change its visibility.</summary>
    public required string ReceiptHandle { get; init; }

    /// <summary>The message body as sent.</summary>
    public required string Body { get; init; }

    /// <summary>The message attributes given at send that have a string value (empty when none).</summary>
    public required IReadOnlyDictionary<string, string> Attributes { get; init; }

    /// <summary>
    /// The message attributes with their SQS data types: every attribute of a typed send (binary ones included), or the
    /// string attributes of <see cref="Attributes"/> as <c>String</c> attributes.
    /// </summary>
    public IReadOnlyDictionary<string, SqsMessageAttribute> MessageAttributes { get; init; } = new Dictionary<string, SqsMessageAttribute>();

    /// <summary>How many times the message has been received, this delivery included (1 on the first delivery).</summary>
    public required int ApproximateReceiveCount { get; init; }

    /// <summary>The message group (FIFO; optional on standard queues).</summary>
    public string? MessageGroupId { get; init; }

    /// <summary>The deduplication id (FIFO): the one sent, or the body's SHA-256 with content-based deduplication.</summary>
    public string? MessageDeduplicationId { get; init; }

    /// <summary>The queue's order number for the message (FIFO only), increasing per send.</summary>
    public string? SequenceNumber { get; init; }

    /// <summary>When the queue accepted the message.</summary>
    public required DateTimeOffset SentTimestamp { get; init; }

    /// <summary>When the message was first received.</summary>
    public required DateTimeOffset ApproximateFirstReceiveTimestamp { get; init; }
}
