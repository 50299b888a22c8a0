namespace IdempotentConsumer.Exceptions;

/// <summary>The attempt's lease lapsed and another owner took the record over (or it is gone): its complete, release or extend was rejected.</summary>
public sealed class IdempotencyStaleOwnerException : IdempotencyException
{
    /// <summary>Creates the exception with a message.</summary>
    public IdempotencyStaleOwnerException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public IdempotencyStaleOwnerException(string message, Exception? innerException) : base(message, innerException) { }

    /// <inheritdoc />
    public override bool IsTransient => true;
}
