namespace IdempotentConsumer.Sqs;

/// <summary>Names of the SQS system attributes (<c>Attributes</c> of a received message, <c>attributes</c> of a Lambda SQS record).</summary>
public static class SqsSystemAttributes
{
    /// <summary>How many times the message has been received (1 on first delivery).</summary>
    public const string ApproximateReceiveCount = "ApproximateReceiveCount";

    /// <summary>When the message was sent, epoch milliseconds.</summary>
    public const string SentTimestamp = "SentTimestamp";

    /// <summary>The FIFO message group.</summary>
    public const string MessageGroupId = "MessageGroupId";

    /// <summary>The FIFO deduplication id (producer-chosen, or the body's SHA-256 with content-based deduplication).</summary>
    public const string MessageDeduplicationId = "MessageDeduplicationId";

    /// <summary>The FIFO sequence number.</summary>
    public const string SequenceNumber = "SequenceNumber";
}
