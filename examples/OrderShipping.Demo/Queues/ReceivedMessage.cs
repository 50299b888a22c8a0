using IdempotentConsumer.Pipeline;

namespace OrderShipping.Demo.Queues;

/// <summary>A message as one receive returned it: what the pipeline reads, plus the handle to settle it with.</summary>
/// <param name="Incoming">The message for the pipeline.</param>
/// <param name="ReceiptHandle">This delivery's handle; only the latest delivery's handle deletes the message.</param>
internal sealed record ReceivedMessage(IncomingMessage Incoming, string ReceiptHandle);
