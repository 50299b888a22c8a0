namespace IdempotentConsumer.Execution;

/// <summary>The result of an idempotent call and how it was obtained.</summary>
/// <typeparam name="TResult">The handler's result type.</typeparam>
/// <param name="Value">The handler's result, or the replayed stored response.</param>
/// <param name="Kind">Whether the handler ran, was replayed or ran unguarded.</param>
/// <param name="Key">The full idempotency key; null when unguarded.</param>
public readonly record struct IdempotencyOutcome<TResult>(TResult Value, IdempotencyOutcomeKind Kind, string? Key);
