namespace IdempotentConsumer.Sqs.Transport;

/// <summary>One receive. System attributes and all message attributes are always requested.</summary>
public sealed record SqsReceiveRequest
{
    /// <summary>The queue.</summary>
    public required string QueueUrl { get; init; }

    /// <summary>1 to 10.</summary>
    public int MaxMessages { get; init; } = 10;

    /// <summary>Long-poll wait, 0 to 20 s.</summary>
    public TimeSpan WaitTime { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The visibility timeout for what this receive returns; null for the queue's own.</summary>
    public TimeSpan? VisibilityTimeout { get; init; }

    /// <summary>FIFO receive-request attempt id: a retried receive after a lost reply gets the same messages back.</summary>
    public string? ReceiveRequestAttemptId { get; init; }
}
