namespace IdempotentConsumer.Pipeline;

/// <summary>
/// A message as a transport delivered it, before deserialization: what every adapter (Lambda SQS event,
/// SQS poller, in-process queue) hands to the pipeline.
/// </summary>
public sealed record IncomingMessage
{
    /// <summary>The transport's id of this message (SQS <c>messageId</c>). A producer's retried send gets a new one.</summary>
    public required string MessageId { get; init; }

    /// <summary>The raw body text.</summary>
    public required string Body { get; init; }

    /// <summary>Message attributes and transport attributes, flattened to strings.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = EmptyAttributes;

    /// <summary>How many times the transport has delivered this message (SQS <c>ApproximateReceiveCount</c>); 1 on first delivery.</summary>
    public int ReceiveCount { get; init; } = 1;

    /// <summary>The FIFO message group, if any.</summary>
    public string? MessageGroupId { get; init; }

    /// <summary>The FIFO deduplication id, if any: a producer-chosen id, stable across retried sends.</summary>
    public string? MessageDeduplicationId { get; init; }

    /// <summary>When the message was first sent, if the transport says.</summary>
    public DateTimeOffset? SentTimestamp { get; init; }

    /// <summary>The transport's own view of the message (typed), when the adapter supplies one.</summary>
    public TransportMessage? Transport { get; init; }

    /// <summary>
    /// Key material the envelope or transport supplies for this delivery (an S3 event's bucket, object, version and
    /// sequencer, …). It is the key when the consumer configured no key source of its own; null when there is none.
    /// </summary>
    public string? EnvelopeKey { get; init; }

    private static readonly IReadOnlyDictionary<string, string> EmptyAttributes = new Dictionary<string, string>();
}
