namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>Why a record is a batch item failure; logged with every failure.</summary>
public enum SqsRecordFailureReason
{
    /// <summary>The record did not fail.</summary>
    None = 0,

    /// <summary>Another attempt holds the key's in-progress lease; the record is redelivered later, never counted a success.</summary>
    InProgressElsewhere = 1,

    /// <summary>The body (or its envelope) is empty, not JSON, or not the handler's type.</summary>
    MalformedBody = 2,

    /// <summary>No idempotency key was found and one is required.</summary>
    KeyMissing = 3,

    /// <summary>The key cannot be stored (too long or not valid text).</summary>
    KeyInvalid = 4,

    /// <summary>The payload differs from the one that completed the same key (payload validation).</summary>
    ValidationMismatch = 5,

    /// <summary>The idempotency store failed, or the attempt lost its lease.</summary>
    StoreError = 6,

    /// <summary>The handler threw.</summary>
    HandlerError = 7,

    /// <summary>The invocation's remaining time minus the safety margin was below the minimum lease; the record was not started.</summary>
    LeaseTooShort = 8,

    /// <summary>The invocation ran out of time (or was cancelled) before or while the record ran.</summary>
    TimedOut = 9,

    /// <summary>FIFO: an earlier record of the same message group failed; this one was not started, to keep the group's order.</summary>
    PreviousFailureInGroup = 10,

    /// <summary>FIFO with <see cref="FifoFailureMode.FailRestOfBatch"/>: an earlier record of the batch failed; this one was not started.</summary>
    PreviousFailureInBatch = 11,
}
