namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>Which ordering rules a batch follows.</summary>
public enum SqsQueueType
{
    /// <summary>Decide per batch: FIFO when a record's source ARN ends in <c>.fifo</c> or it has a <c>MessageGroupId</c>.</summary>
    Auto = 0,

    /// <summary>Standard queue: records run concurrently, up to <see cref="SqsBatchProcessorOptions.MaxConcurrency"/>.</summary>
    Standard = 1,

    /// <summary>FIFO queue: order kept per message group, failures propagate per <see cref="SqsBatchProcessorOptions.FifoFailureMode"/>.</summary>
    Fifo = 2,
}
