namespace IdempotentConsumer.Sqs.Transport;

/// <summary>What a consumer reads about its queue at startup.</summary>
/// <param name="VisibilityTimeout">The queue's default visibility timeout, when known.</param>
/// <param name="MaxReceiveCount">The redrive policy's <c>maxReceiveCount</c>; null when the queue has none.</param>
/// <param name="IsFifo">True for a FIFO queue.</param>
public sealed record SqsQueueAttributes(TimeSpan? VisibilityTimeout, int? MaxReceiveCount, bool IsFifo);
