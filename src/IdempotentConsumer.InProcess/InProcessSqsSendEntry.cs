using IdempotentConsumer.Sqs;

namespace IdempotentConsumer.InProcess;

/// <summary>One message of <see cref="InProcessSqsTransport.SendBatchAsync(string, IReadOnlyList{InProcessSqsSendEntry}, CancellationToken)"/>.</summary>
/// <param name="Body">The body.</param>
public sealed record InProcessSqsSendEntry(string Body)
{
    /// <summary>Message attributes (string, number, binary); at most 10.</summary>
    public IReadOnlyDictionary<string, SqsMessageAttribute>? MessageAttributes { get; init; }

    /// <summary>The message group; required on a FIFO queue.</summary>
    public string? MessageGroupId { get; init; }

    /// <summary>FIFO only: the deduplication id; required unless the queue deduplicates by content.</summary>
    public string? MessageDeduplicationId { get; init; }
}
