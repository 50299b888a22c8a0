namespace IdempotentConsumer.Exceptions;

/// <summary>The key source found no key in the payload and the options require one.</summary>
public sealed class IdempotencyKeyMissingException : IdempotencyException
{
    /// <summary>Creates the exception with a message.</summary>
    public IdempotencyKeyMissingException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public IdempotencyKeyMissingException(string message, Exception? innerException) : base(message, innerException) { }
}
