using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Sqs;

namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>Key sources that read the SQS record rather than the payload, for <see cref="SqsBatchProcessorBuilder{TMessage}.WithRecordKey"/>.</summary>
public static class SqsRecordKeys
{
    /// <summary>
    /// The FIFO <c>MessageDeduplicationId</c> (the builder's <c>WithDeduplicationIdKey()</c> reads the same): chosen by the
    /// producer, or the body's SHA-256 with content-based deduplication, so it is the same on a retried send. Null on standard queues.
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
