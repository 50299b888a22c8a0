namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>What a failure in a FIFO batch does to the records after it.</summary>
public enum FifoFailureMode
{
    /// <summary>
    /// The rest of that message group is reported failed without running; other groups go on (and may run
    /// concurrently). Order within every group is kept.
    /// </summary>
    FailRestOfGroup = 0,

    /// <summary>The rest of the whole batch is reported failed without running; records run one at a time in batch order (Powertools' behaviour).</summary>
    FailRestOfBatch = 1,
}
