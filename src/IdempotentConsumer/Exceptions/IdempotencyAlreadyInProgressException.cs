namespace IdempotentConsumer.Exceptions;

/// <summary>Another attempt holds an unexpired in-progress lease for the same key. Adapters redeliver the message later; it is never a success.</summary>
public sealed class IdempotencyAlreadyInProgressException : IdempotencyException
{
    /// <summary>Creates the exception with a message.</summary>
    public IdempotencyAlreadyInProgressException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public IdempotencyAlreadyInProgressException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates the exception naming when the blocking lease lapses.</summary>
    /// <param name="message">The message.</param>
    /// <param name="inProgressExpiresAt">When the blocking attempt's lease lapses, if the store said.</param>
    public IdempotencyAlreadyInProgressException(string message, DateTimeOffset? inProgressExpiresAt) : base(message) =>
        InProgressExpiresAt = inProgressExpiresAt;

    /// <summary>
    /// When the blocking attempt's lease lapses (null when unknown). Adapters hide the message until then, so a
    /// redelivery does not spend the queue's receive budget while the holder may still finish.
    /// </summary>
    public DateTimeOffset? InProgressExpiresAt { get; }

    /// <inheritdoc />
    public override bool IsTransient => true;
}
