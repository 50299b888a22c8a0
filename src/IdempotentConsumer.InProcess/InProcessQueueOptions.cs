namespace IdempotentConsumer.InProcess;

/// <summary>
/// Settings of one <see cref="InProcessQueue"/>, named after the Amazon SQS queue attributes they imitate.
/// </summary>
public sealed class InProcessQueueOptions
{
    /// <summary>The queue's name (shown in messages and errors). Default: <c>in-process</c>.</summary>
    public string Name { get; set; } = "in-process";

    /// <summary>
    /// A FIFO queue: every send needs a group id; messages of one group are delivered in send order and a
    /// group stays locked while any of its messages is in flight; sends are deduplicated within
    /// <see cref="DeduplicationInterval"/>. Default: false (a standard queue).
    /// </summary>
    public bool Fifo { get; set; }

    /// <summary>How long a received message stays hidden before it is delivered again (SQS <c>VisibilityTimeout</c>). Default: 30 seconds.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The long-polling wait used when a receive names none (SQS <c>ReceiveMessageWaitTimeSeconds</c>). Default: zero (short polling).</summary>
    public TimeSpan ReceiveWaitTime { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// The redrive policy's <c>maxReceiveCount</c>: a message already received this many times is moved to
    /// <see cref="DeadLetterQueue"/> (or discarded when there is none) instead of being delivered again.
    /// Null (default): messages are redelivered forever.
    /// </summary>
    public int? MaxReceiveCount { get; set; }

    /// <summary>Where messages go after <see cref="MaxReceiveCount"/> receives; of the same kind (FIFO or standard) as this queue.</summary>
    public InProcessQueue? DeadLetterQueue { get; set; }

    /// <summary>
    /// Standard queues only: the chance (0 to 1) that an accepted send is stored twice, so the same message
    /// (same <see cref="InProcessMessage.MessageId"/>, its own receipt handle) is delivered twice, possibly to
    /// two consumers at once, as SQS's at-least-once delivery allows. Default: 0.
    /// </summary>
    public double DuplicateDeliveryProbability { get; set; }

    /// <summary>Seeds the random source behind <see cref="DuplicateDeliveryProbability"/> so a run can be repeated. Null: unseeded.</summary>
    public int? RandomSeed { get; set; }

    /// <summary>FIFO only: derive the deduplication id from a SHA-256 of the body when a send gives none (SQS <c>ContentBasedDeduplication</c>).</summary>
    public bool ContentBasedDeduplication { get; set; }

    /// <summary>FIFO only: how long a deduplication id suppresses later sends with the same id. Default: 5 minutes, as SQS.</summary>
    public TimeSpan DeduplicationInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// FIFO only: how many consecutive messages of one group a single receive may return (SQS may return
    /// several; then the group stays locked until all of them are deleted or visible again). Default: 1,
    /// so at most one message per group is in flight.
    /// </summary>
    public int MaxMessagesPerGroupPerReceive { get; set; } = 1;
}
