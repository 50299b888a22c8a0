namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>The fate of one record of a batch.</summary>
public enum SqsRecordStatus
{
    /// <summary>The handler ran and succeeded; the record is deleted.</summary>
    Succeeded = 0,

    /// <summary>A duplicate answered from a completed record; the handler did not run; the record is deleted.</summary>
    Replayed = 1,

    /// <summary>The envelope said the record carries no work (e.g. an S3 test event); the record is deleted.</summary>
    Ignored = 2,

    /// <summary>The record ran and failed; it is a batch item failure (redelivered).</summary>
    Failed = 3,

    /// <summary>The record was not started (an earlier failure in its group or batch, or too little time left); it is a batch item failure.</summary>
    NotStarted = 4,
}
