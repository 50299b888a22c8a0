namespace IdempotentConsumer.Exceptions;

/// <summary>The record (usually its stored response) exceeds what the store can hold; nothing was written.</summary>
public sealed class IdempotencyRecordTooLargeException : IdempotencyException
{
    /// <summary>Creates the exception with a message.</summary>
    public IdempotencyRecordTooLargeException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public IdempotencyRecordTooLargeException(string message, Exception? innerException) : base(message, innerException) { }
}
