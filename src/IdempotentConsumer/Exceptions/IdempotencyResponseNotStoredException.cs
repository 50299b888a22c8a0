namespace IdempotentConsumer.Exceptions;

/// <summary>
/// The handler ran and its key is marked completed, but its response could not be stored (too large for the
/// store, or the serializer failed on the value). The side effect is done and will not repeat: later
/// duplicates are acknowledged without a response (<see cref="Execution.IdempotencyOutcomeKind.CompletedWithoutResponse"/>).
/// </summary>
public sealed class IdempotencyResponseNotStoredException : IdempotencyException
{
    /// <summary>Creates the exception with a message and the reason the response was not stored.</summary>
    public IdempotencyResponseNotStoredException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with a message, the reason and the result the handler returned.</summary>
    public IdempotencyResponseNotStoredException(string message, Exception? innerException, object? result) : base(message, innerException) =>
        Result = result;

    /// <summary>The handler's result on the attempt that ran it; null on a duplicate (nothing was stored to replay).</summary>
    public object? Result { get; }
}
