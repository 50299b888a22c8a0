namespace IdempotentConsumer.Exceptions;

/// <summary>Another attempt holds an unexpired in-progress lease for the same key. Adapters redeliver the message later; it is never a success.</summary>
public sealed class IdempotencyAlreadyInProgressException : IdempotencyException
{
    /// <summary>Creates the exception with a message.</summary>
    public IdempotencyAlreadyInProgressException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public IdempotencyAlreadyInProgressException(string message, Exception? innerException) : base(message, innerException) { }

    /// <inheritdoc />
    public override bool IsTransient => true;
}
