namespace IdempotentConsumer.Sqs.Producer.Sending;

/// <summary>
/// A message ready to send, with every id fixed: sending it again (a retry, or a later
/// <see cref="IdempotentSqsSender{TMessage}.SendPreparedAsync"/> with the same instance) never changes its body, key,
/// deduplication id or group. Keep it to retry a send your own way.
/// </summary>
public sealed class SqsOutgoingMessage
{
    internal SqsOutgoingMessage(string body, string keyHash, string idempotencyKey, string? deduplicationId, string? messageGroupId, int size)
    {
        Body = body;
        KeyHash = keyHash;
        IdempotencyKey = idempotencyKey;
        DeduplicationId = deduplicationId;
        MessageGroupId = messageGroupId;
        Size = size;
    }

    /// <summary>The message body as sent.</summary>
    public string Body { get; }

    /// <summary>The hex hash of the key material: stamped into the key attribute, and the FIFO deduplication id.</summary>
    public string KeyHash { get; }

    /// <summary>The record key the consumer will use: <c>{KeyPrefix}#{KeyHash}</c>.</summary>
    public string IdempotencyKey { get; }

    /// <summary>The FIFO <c>MessageDeduplicationId</c> (the key hash); null on a standard queue.</summary>
    public string? DeduplicationId { get; }

    /// <summary>The FIFO <c>MessageGroupId</c>; null on a standard queue.</summary>
    public string? MessageGroupId { get; }

    /// <summary>The bytes SQS counts for this message: body plus the key attribute's name, type and value.</summary>
    public int Size { get; }
}
