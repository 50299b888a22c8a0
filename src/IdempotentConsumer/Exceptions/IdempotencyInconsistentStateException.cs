namespace IdempotentConsumer.Exceptions;

/// <summary>The store kept refusing the begin write yet held no record, after every attempt.</summary>
public sealed class IdempotencyInconsistentStateException : IdempotencyException
{
    /// <summary>Creates the exception with a message.</summary>
    public IdempotencyInconsistentStateException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public IdempotencyInconsistentStateException(string message, Exception? innerException) : base(message, innerException) { }

    /// <inheritdoc />
    public override bool IsTransient => true;
}
