using Amazon.Lambda.SQSEvents;

namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>
/// Key sources that read the SQS record rather than the payload, for <see cref="SqsBatchProcessorOptions.RecordKey"/>.
/// </summary>
public static class SqsRecordKeys
{
    /// <summary>
    /// The FIFO <c>MessageDeduplicationId</c>: chosen by the producer (or the body's SHA-256 with content-based
    /// deduplication), so it is the same on a retried send, unlike <c>messageId</c>. Null on standard queues
    /// (then the record has no key: see <see cref="IdempotencyOptions.ThrowOnMissingKey"/>).
    /// </summary>
    public static Func<SQSEvent.SQSMessage, string?> MessageDeduplicationId { get; } =
        record => record.Attributes?.GetValueOrDefault(SqsSystemAttributes.MessageDeduplicationId);

    /// <summary>A message attribute's string value (e.g. an <c>idempotency-key</c> header set by the producer).</summary>
    public static Func<SQSEvent.SQSMessage, string?> MessageAttribute(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return record => record.MessageAttributes is { } attributes && attributes.TryGetValue(name, out var attribute) ? attribute?.StringValue : null;
    }
}
