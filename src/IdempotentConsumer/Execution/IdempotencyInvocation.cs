namespace IdempotentConsumer.Execution;

/// <summary>One call into the executor: the payload and what the caller knows about it.</summary>
/// <typeparam name="TPayload">The payload type.</typeparam>
public readonly struct IdempotencyInvocation<TPayload>
{
    /// <summary>Creates an invocation for a payload.</summary>
    public IdempotencyInvocation(TPayload payload) => Payload = payload;

    /// <summary>The typed payload.</summary>
    public TPayload Payload { get; }

    /// <summary>The payload's JSON text when the caller has it (an SQS body), so JMESPath needs no re-serialization.</summary>
    public string? RawJson { get; init; }

    /// <summary>
    /// The in-progress lease the adapter allows (Lambda: remaining time minus a margin; worker: the
    /// visibility timeout). Null: <see cref="IdempotencyOptions.InProgressLease"/>.
    /// </summary>
    public TimeSpan? LeaseDuration { get; init; }

    /// <summary>
    /// Key material chosen by the adapter (e.g. an SQS MessageDeduplicationId), used instead of the key source.
    /// An empty string means "no key".
    /// </summary>
    public string? KeyMaterial { get; init; }

    /// <summary>
    /// The delivery's message attributes, when the caller has them: a consumer keyed by the producer's key attribute
    /// (<see cref="IdempotencyOptions.KeyAttribute"/>) reads its key hash here. Null: the key comes from the payload.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Attributes { get; init; }

    /// <summary>
    /// A record the caller has just read from this executor's store with a consistent read (a batch pre-check). When it
    /// is the completed, unexpired record of this invocation's key, the executor replays it with no store call.
    /// </summary>
    public Records.IdempotencyRecord? KnownRecord { get; init; }
}
