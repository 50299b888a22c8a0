namespace IdempotentConsumer.Pipeline;

/// <summary>The fate of one message after the pipeline.</summary>
public enum MessageProcessingStatus
{
    /// <summary>The handler ran and succeeded: delete the message.</summary>
    Succeeded = 0,

    /// <summary>A duplicate answered from a completed record (with or without a stored response): delete the message.</summary>
    Replayed = 1,

    /// <summary>The message failed: it goes back to the queue (batch item failure / visibility backoff).</summary>
    Failed = 2,
}
