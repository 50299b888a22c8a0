namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>
/// Why a record is a batch item failure: the pipeline's disposition (<see cref="Dispositions.MessageDispositionKind"/>),
/// or a state only the batch processor knows (not started, timed out). The error's type says more.
/// </summary>
public enum SqsRecordFailureReason
{
    /// <summary>The record did not fail.</summary>
    None = 0,

    /// <summary>A failure that may pass (handler error, store outage, lost lease): redelivered.</summary>
    Retry = 1,

    /// <summary>Another attempt holds the key's in-progress lease; the record is redelivered later, never counted a success.</summary>
    InProgressElsewhere = 2,

    /// <summary>
    /// A failure that will repeat (malformed body or envelope, missing or invalid key, payload validation mismatch,
    /// configuration error): still redelivered, so the queue's redrive policy moves it to the dead-letter queue.
    /// </summary>
    Poison = 3,

    /// <summary>The invocation's remaining time minus the safety margin was below the minimum lease; the record was not started.</summary>
    LeaseTooShort = 4,

    /// <summary>The invocation ran out of time (or was cancelled) before or while the record ran.</summary>
    TimedOut = 5,

    /// <summary>FIFO: an earlier record of the same message group failed; this one was not started, to keep the group's order.</summary>
    PreviousFailureInGroup = 6,

    /// <summary>FIFO with <see cref="FifoFailureMode.FailRestOfBatch"/>: an earlier record of the batch failed; this one was not started.</summary>
    PreviousFailureInBatch = 7,
}
