namespace IdempotentConsumer.Exceptions;

/// <summary>A stored record has an unknown status or data that cannot be read (for example a tampered table).</summary>
public sealed class IdempotencyCorruptRecordException : IdempotencyException
{
    /// <summary>Creates the exception with a message.</summary>
    public IdempotencyCorruptRecordException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public IdempotencyCorruptRecordException(string message, Exception? innerException) : base(message, innerException) { }
}
