namespace IdempotentConsumer.InProcess.Internal;

/// <summary>What a delete by receipt did.</summary>
internal enum DeleteOutcome
{
    /// <summary>The receipt was the message's latest and the message is gone now.</summary>
    Deleted,

    /// <summary>This very receipt deleted the message earlier: a repeated delete, which SQS accepts.</summary>
    AlreadyDeleted,

    /// <summary>The receipt is unknown, or the message was received again since and the receipt no longer acts on it.</summary>
    Stale,
}
