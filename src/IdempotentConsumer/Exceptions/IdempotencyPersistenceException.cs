namespace IdempotentConsumer.Exceptions;

/// <summary>The store could not be reached or failed (throttling, timeouts, 5xx, I/O). The message is not processed unguarded.</summary>
public sealed class IdempotencyPersistenceException : IdempotencyException
{
    /// <summary>Creates the exception with a message.</summary>
    public IdempotencyPersistenceException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public IdempotencyPersistenceException(string message, Exception? innerException) : base(message, innerException) { }

    /// <inheritdoc />
    public override bool IsTransient => true;
}
