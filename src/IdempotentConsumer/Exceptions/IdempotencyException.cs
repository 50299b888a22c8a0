namespace IdempotentConsumer.Exceptions;

/// <summary>The base of every error IdempotentConsumer raises, so callers can catch the family at once.</summary>
public abstract class IdempotencyException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    protected IdempotencyException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    protected IdempotencyException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>
    /// True when trying again later may succeed (in progress elsewhere, store outage, lost lease).
    /// Adapters use it to choose between a short backoff and a normal failure.
    /// </summary>
    public virtual bool IsTransient => false;
}
