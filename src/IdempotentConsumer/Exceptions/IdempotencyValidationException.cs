namespace IdempotentConsumer.Exceptions;

/// <summary>The payload does not match the payload hash stored with the completed record of the same key.</summary>
public sealed class IdempotencyValidationException : IdempotencyException
{
    /// <summary>Creates the exception with a message.</summary>
    public IdempotencyValidationException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public IdempotencyValidationException(string message, Exception? innerException) : base(message, innerException) { }
}
