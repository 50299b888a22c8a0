namespace IdempotentConsumer.InProcess;

/// <summary>A snapshot of an <see cref="InProcessQueue"/>'s counters. Cumulative counts never go down.</summary>
public sealed record InProcessQueueStatistics
{
    /// <summary>Messages accepted and stored: sends, plus dead letters moved here from a source queue (deduplicated sends and injected duplicates not included).</summary>
    public long Sent { get; init; }

    /// <summary>FIFO sends dropped because their deduplication id was seen within the interval.</summary>
    public long DeduplicatedSends { get; init; }

    /// <summary>Extra copies stored by <see cref="InProcessQueueOptions.DuplicateDeliveryProbability"/>.</summary>
    public long DuplicatesInjected { get; init; }

    /// <summary>Messages handed out by receives, every delivery counted (first deliveries and redeliveries).</summary>
    public long Delivered { get; init; }

    /// <summary>Deliveries of a message that had been received before (its visibility timeout ran out, or it was made visible again).</summary>
    public long Redelivered { get; init; }

    /// <summary>Messages deleted with a current receipt handle.</summary>
    public long Deleted { get; init; }

    /// <summary>Messages moved to the dead-letter queue (or discarded, without one) after too many receives.</summary>
    public long DeadLettered { get; init; }

    /// <summary>Deletes and visibility changes refused because the receipt handle was stale or unknown.</summary>
    public long StaleReceiptHandles { get; init; }

    /// <summary>Messages received and not yet deleted whose visibility timeout has not run out (SQS <c>ApproximateNumberOfMessagesNotVisible</c>).</summary>
    public int InFlight { get; init; }

    /// <summary>Messages waiting to be received (SQS <c>ApproximateNumberOfMessages</c>).</summary>
    public int Visible { get; init; }
}
