namespace IdempotentConsumer.Batching;

/// <summary>When a batch adapter reads the keys of a batch in one call before any conditional write (<see cref="IdempotencyOptions.BatchPrecheck"/>).</summary>
public enum BatchPrecheckMode
{
    /// <summary>
    /// Read only when the batch suggests duplicates: a record delivered before (receive count above 1), or two records
    /// with the same body or the same deduplication id. A batch of first deliveries pays no extra call.
    /// </summary>
    Auto = 0,

    /// <summary>Read every batch of two or more records (one extra call per batch when none is a duplicate).</summary>
    Always = 1,

    /// <summary>Never read: every record meets the store with its own conditional write.</summary>
    Never = 2,
}
