namespace IdempotentConsumer.Exceptions;

/// <summary>The derived key cannot be stored (too long for the backend, or not valid text).</summary>
public sealed class IdempotencyKeyInvalidException : IdempotencyException
{
    /// <summary>Creates the exception with a message.</summary>
    public IdempotencyKeyInvalidException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public IdempotencyKeyInvalidException(string message, Exception? innerException) : base(message, innerException) { }
}
