namespace IdempotentConsumer.Records;

/// <summary>
/// The stored status of an idempotency record. "Expired" is never stored: it is derived from
/// <see cref="IdempotencyRecord.ExpiresAt"/> and the current time.
/// </summary>
public enum IdempotencyRecordStatus
{
    /// <summary>A handler holds the record's lease and is running (stored as <c>INPROGRESS</c>).</summary>
    InProgress = 0,

    /// <summary>The handler finished; the record carries its response (stored as <c>COMPLETED</c>).</summary>
    Completed = 1,
}
