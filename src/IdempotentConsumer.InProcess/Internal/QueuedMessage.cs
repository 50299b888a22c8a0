using IdempotentConsumer.Sqs;

namespace IdempotentConsumer.InProcess.Internal;

/// <summary>A stored message and its delivery state. Mutated only under the owning queue's lock.</summary>
internal sealed class QueuedMessage
{
    public QueuedMessage(
        string messageId,
        string body,
        MessageAttributeCopy attributes,
        string? groupId,
        string? deduplicationId,
        string? sequenceNumber,
        DateTimeOffset sentAt)
    {
        MessageId = messageId;
        Body = body;
        AttributeCopy = attributes;
        GroupId = groupId;
        DeduplicationId = deduplicationId;
        SequenceNumber = sequenceNumber;
        SentAt = sentAt;
        VisibleAt = sentAt;
    }

    public string MessageId { get; }

    public string Body { get; }

    public MessageAttributeCopy AttributeCopy { get; }

    public IReadOnlyDictionary<string, string> Attributes => AttributeCopy.Strings;

    public IReadOnlyDictionary<string, SqsMessageAttribute> MessageAttributes => AttributeCopy.Typed;

    public string? GroupId { get; }

    public string? DeduplicationId { get; }

    public string? SequenceNumber { get; }

    public DateTimeOffset SentAt { get; }

    public int ReceiveCount { get; set; }

    public DateTimeOffset? FirstReceivedAt { get; set; }

    /// <summary>When the message can be received (again). In the future while it is in flight.</summary>
    public DateTimeOffset VisibleAt { get; set; }

    /// <summary>The handle of the latest delivery; null before the first.</summary>
    public string? ReceiptHandle { get; set; }

    /// <summary>The message's place in send order, for O(1) removal.</summary>
    public LinkedListNode<QueuedMessage>? Node { get; set; }

    public bool IsInFlight(DateTimeOffset now) => ReceiptHandle is not null && VisibleAt > now;
}
