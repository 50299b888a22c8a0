namespace IdempotentConsumer.Testing.Storm.Internal;

/// <summary>One receive of a queued message. Only the newest receipt of a message can delete or release it.</summary>
internal sealed record StormDelivery(StormQueue.QueuedMessage Message, long Receipt, int ReceiveCount)
{
    public StormEnvelope Envelope => Message.Envelope;
}
