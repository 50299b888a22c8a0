namespace IdempotentConsumer.Sqs.Transport;

/// <summary>
/// The handful of SQS calls a consumer makes, and nothing else: receive, delete in batches, change one message's
/// visibility, read the queue's attributes. The worker and the local Lambda runner poll through it; the AWS SDK
/// (<c>IdempotentConsumer.Hosting</c>) and the in-process queue (<c>IdempotentConsumer.InProcess</c>) implement it.
/// </summary>
/// <remarks>
/// Implementations throw <see cref="SqsMessageLostException"/> when a receipt no longer names an in-flight message
/// (deleted, visibility lapsed and received again, queue gone), and let every other failure propagate as is: the
/// callers treat those as transient.
/// </remarks>
public interface ISqsTransport
{
    /// <summary>Receives up to <see cref="SqsReceiveRequest.MaxMessages"/> messages, waiting up to <see cref="SqsReceiveRequest.WaitTime"/>.</summary>
    /// <returns>The messages, with system and message attributes; empty when none arrived.</returns>
    ValueTask<IReadOnlyList<SqsTransportMessage>> ReceiveAsync(SqsReceiveRequest request, CancellationToken cancellationToken);

    /// <summary>Deletes up to 10 messages by receipt.</summary>
    /// <returns>The entries that failed; empty when all were deleted.</returns>
    ValueTask<IReadOnlyList<SqsBatchEntryError>> DeleteBatchAsync(string queueUrl, IReadOnlyList<SqsReceipt> receipts, CancellationToken cancellationToken);

    /// <summary>Sets how long, from now, the message stays hidden (0 makes it visible at once).</summary>
    /// <exception cref="SqsMessageLostException">The receipt no longer names an in-flight message.</exception>
    ValueTask ChangeVisibilityAsync(string queueUrl, string receiptHandle, TimeSpan visibilityTimeout, CancellationToken cancellationToken);

    /// <summary>Reads what a consumer needs to know about the queue.</summary>
    ValueTask<SqsQueueAttributes> GetQueueAttributesAsync(string queueUrl, CancellationToken cancellationToken);
}
