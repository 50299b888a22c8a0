using IdempotentConsumer.Exceptions;

namespace IdempotentConsumer.Lambda.Handlers;

/// <summary>
/// The invocation has too little time left to take an in-progress lease of the minimum length; nothing was written,
/// so the event source's retry will find the key free.
/// </summary>
public sealed class InsufficientRemainingTimeException : IdempotencyException
{
    /// <summary>Creates the exception with a message.</summary>
    public InsufficientRemainingTimeException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public InsufficientRemainingTimeException(string message, Exception? innerException) : base(message, innerException) { }

    /// <inheritdoc />
    public override bool IsTransient => true;
}
