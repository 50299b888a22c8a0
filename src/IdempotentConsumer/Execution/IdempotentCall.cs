namespace IdempotentConsumer.Execution;

/// <summary>What the executor hands to the wrapped handler.</summary>
/// <typeparam name="TPayload">The payload type.</typeparam>
/// <typeparam name="TState">Caller state passed through without a closure allocation.</typeparam>
/// <param name="Payload">The payload.</param>
/// <param name="State">The caller's state.</param>
/// <param name="Lease">The lease held on the key; null when the call runs unguarded.</param>
public readonly record struct IdempotentCall<TPayload, TState>(TPayload Payload, TState State, IdempotencyLease? Lease);
