namespace IdempotentConsumer.Testing.Storm;

/// <summary>What happened to one logical message (all its duplicate sends and redeliveries together).</summary>
/// <param name="Index">The message's position in the storm (the index given to the message factory).</param>
/// <param name="IdempotencyKey">The full idempotency key, once a delivery derived it; null if none did.</param>
/// <param name="Sends">How many times the producer sent it (1 + duplicate sends + concurrent copies).</param>
/// <param name="Deliveries">How many times the queue handed it to a consumer.</param>
/// <param name="HandlerInvocations">How many times the handler was entered for it (raw, before any deduplication by the side effect).</param>
/// <param name="Effects">How many times the side effect reported that it happened.</param>
/// <param name="Finished">True when at least one delivery ended in success (executed or replayed).</param>
public sealed record StormMessageReport(
    int Index,
    string? IdempotencyKey,
    int Sends,
    int Deliveries,
    int HandlerInvocations,
    int Effects,
    bool Finished)
{
    /// <summary>Sends of this message the queue moved to its dead-letter side after too many receives.</summary>
    public int DeadLetteredSends { get; init; }

    /// <summary>Deliveries of this message answered with a replayed response that another message's handler produced.</summary>
    public int CrossUserReplays { get; init; }

    /// <summary>A send was dead-lettered and no delivery of the message ever finished: work the DLQ holds that nobody did.</summary>
    public bool IsDeadLetteredUnprocessed => DeadLetteredSends > 0 && !Finished;

    /// <summary>The side effect happened more than once.</summary>
    public bool IsDoubleEffect => Effects > 1;

    /// <summary>The side effect never happened, or no delivery ever finished.</summary>
    public bool IsLost => Effects == 0 || !Finished;
}
