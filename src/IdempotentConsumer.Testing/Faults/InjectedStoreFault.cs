namespace IdempotentConsumer.Testing.Faults;

/// <summary>One fault the injector raised, as logged by <see cref="FaultInjectingIdempotencyStore.InjectedFaults"/>.</summary>
/// <param name="Operation">The store operation that failed.</param>
/// <param name="Kind">What the caller saw.</param>
/// <param name="Timing">Whether the write landed before the error.</param>
/// <param name="Key">The record key, or null for a multi-key read.</param>
/// <param name="At">When the fault was raised.</param>
public sealed record InjectedStoreFault(StoreOperations Operation, StoreFaultKind Kind, FaultTiming Timing, string? Key, DateTimeOffset At);
