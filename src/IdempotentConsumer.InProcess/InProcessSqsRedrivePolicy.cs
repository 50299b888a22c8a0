namespace IdempotentConsumer.InProcess;

/// <summary>An SQS redrive policy between two in-process queues.</summary>
/// <param name="DeadLetterQueueUrl">The URL of the dead-letter queue, created before the source queue and of the same kind (FIFO or standard).</param>
/// <param name="MaxReceiveCount">How many receives a message gets; the receive that would be one more moves it to the dead-letter queue instead.</param>
public sealed record InProcessSqsRedrivePolicy(string DeadLetterQueueUrl, int MaxReceiveCount);
