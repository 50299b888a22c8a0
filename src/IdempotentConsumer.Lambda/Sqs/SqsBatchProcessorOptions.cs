using IdempotentConsumer.Lambda.Envelopes;

namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>
/// How a Lambda SQS batch is processed: concurrency, FIFO rules, the lease margin, the envelope. The key, store,
/// idempotency, retry and serializer are the builder's (<see cref="SqsBatchProcessorBuilder{TMessage}"/>).
/// </summary>
public sealed class SqsBatchProcessorOptions
{
    /// <summary>
    /// Standard queues: how many records run at once. FIFO with <see cref="FifoFailureMode.FailRestOfGroup"/>:
    /// how many message groups run at once. Default: 10 (Lambda's default batch size); 1 runs records one by one.
    /// </summary>
    public int MaxConcurrency { get; set; } = 10;

    /// <summary>Standard, FIFO, or decided per batch from the records. Default: <see cref="SqsQueueType.Auto"/>.</summary>
    public SqsQueueType QueueType { get; set; } = SqsQueueType.Auto;

    /// <summary>FIFO: after a failure, fail the rest of that group (default) or the rest of the batch.</summary>
    public FifoFailureMode FifoFailureMode { get; set; } = FifoFailureMode.FailRestOfGroup;

    /// <summary>
    /// When every record of a batch fails: false (default) returns a response listing them all; true throws
    /// <see cref="SqsBatchProcessingException"/>, so the invocation fails and the whole batch is retried.
    /// </summary>
    public bool ThrowOnAllFailed { get; set; }

    /// <summary>
    /// Subtracted from the invocation's remaining time to get a record's in-progress lease, leaving time to
    /// release the record and return the response before Lambda stops the invocation. Default: 1 s.
    /// </summary>
    public TimeSpan LeaseSafetyMargin { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A record whose lease would be shorter than this is not started and is reported failed. Default: 1 s.</summary>
    public TimeSpan MinimumLease { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Cancel running handlers when the invocation's remaining time reaches the safety margin (their records
    /// fail and are released), so the response is still returned in time. Default: true.
    /// </summary>
    public bool CancelHandlersAtLeaseEnd { get; set; } = true;

    /// <summary>What wraps the payload in the SQS body (SNS, EventBridge, S3). Default: <see cref="SqsEnvelope.None"/>.</summary>
    public SqsEnvelope Envelope { get; set; } = SqsEnvelope.None;

    /// <summary>
    /// Use the envelope's default key (SNS <c>MessageId</c>, EventBridge <c>id</c>, S3 bucket/key plus the event: name, version, ETag, sequencer or time) when the
    /// consumer has no explicit key source (a key from the message, <see cref="IdempotencyOptions.KeySource"/> or <see cref="IdempotencyOptions.KeyJmesPath"/>). Default: true.
    /// </summary>
    public bool UseEnvelopeKey { get; set; } = true;

    /// <summary>A copy whose changes do not reach these options (a built processor keeps its own).</summary>
    public SqsBatchProcessorOptions Clone() => (SqsBatchProcessorOptions)MemberwiseClone();

    internal void Validate()
    {
        if (MaxConcurrency < 1)
        {
            throw new Exceptions.IdempotencyConfigurationException("SqsBatchProcessorOptions.MaxConcurrency must be at least 1.");
        }

        if (LeaseSafetyMargin < TimeSpan.Zero || MinimumLease <= TimeSpan.Zero)
        {
            throw new Exceptions.IdempotencyConfigurationException("SqsBatchProcessorOptions.LeaseSafetyMargin must not be negative and MinimumLease must be positive.");
        }

        if (Envelope is null)
        {
            throw new Exceptions.IdempotencyConfigurationException("SqsBatchProcessorOptions.Envelope must be set.");
        }
    }
}
