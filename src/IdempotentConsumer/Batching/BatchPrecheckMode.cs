namespace IdempotentConsumer.Batching;

/// <summary>When a batch adapter reads the keys of a batch in one call before any conditional write (<see cref="IdempotencyOptions.BatchPrecheck"/>).</summary>
public enum BatchPrecheckMode
{
    /// <summary>
    /// Read only when a record of the batch was delivered before (receive count above 1). A batch of first deliveries
    /// pays no extra call; copies of one key within a batch are grouped by the adapter without a read.
    /// </summary>
    Auto = 0,

    /// <summary>Read every batch (one extra call per batch when none of its records is a completed duplicate).</summary>
    Always = 1,

    /// <summary>Never read: every record meets the store with its own conditional write.</summary>
    Never = 2,
}
