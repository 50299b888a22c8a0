namespace IdempotentConsumer.Sqs.Producer.Sending;

/// <summary>A message SQS accepted.</summary>
/// <param name="Message">What was sent.</param>
/// <param name="MessageId">The id SQS gave it. On a FIFO queue a send deduplicated by SQS gets the first send's id back.</param>
/// <param name="SequenceNumber">The FIFO sequence number; null on a standard queue.</param>
/// <param name="Attempts">How many sends it took (1: no retry).</param>
public sealed record SqsSentMessage(SqsOutgoingMessage Message, string MessageId, string? SequenceNumber, int Attempts);
