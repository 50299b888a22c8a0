namespace IdempotentConsumer.InProcess;

/// <summary>
/// The attributes of a queue created with <see cref="InProcessSqsTransport.CreateQueue(string, InProcessSqsQueueOptions?)"/>,
/// named after the SQS queue attributes they imitate.
/// </summary>
public sealed class InProcessSqsQueueOptions
{
    /// <summary>A FIFO queue (SQS <c>FifoQueue</c>); its name must end in <c>.fifo</c>. Default: false.</summary>
    public bool Fifo { get; set; }

    /// <summary>FIFO only: a send without a deduplication id is deduplicated by the SHA-256 of its body (SQS <c>ContentBasedDeduplication</c>).</summary>
    public bool ContentBasedDeduplication { get; set; }

    /// <summary>FIFO only: how long a deduplication id suppresses later sends with the same id. Default: 5 minutes, as SQS.</summary>
    public TimeSpan DeduplicationInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a received message stays hidden (SQS <c>VisibilityTimeout</c>). Default: 30 seconds. Sub-second values are kept as given.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The redrive policy: after <see cref="InProcessSqsRedrivePolicy.MaxReceiveCount"/> receives the message moves to the dead-letter queue. Null: none.</summary>
    public InProcessSqsRedrivePolicy? RedrivePolicy { get; set; }

    /// <summary>
    /// Standard queues only: the chance (0 to 1) that a send is stored twice, so the same message id is delivered twice
    /// with two receipt handles, as SQS's at-least-once delivery allows. Default: 0.
    /// </summary>
    public double DuplicateDeliveryProbability { get; set; }

    /// <summary>Seeds <see cref="DuplicateDeliveryProbability"/>, so a run can be repeated. Null: unseeded.</summary>
    public int? RandomSeed { get; set; }
}
