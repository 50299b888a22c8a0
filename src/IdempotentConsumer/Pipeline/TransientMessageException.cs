namespace IdempotentConsumer.Pipeline;

/// <summary>Thrown by a handler to say "this failure is temporary: retry me" regardless of the classifier.</summary>
public class TransientMessageException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public TransientMessageException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public TransientMessageException(string message, Exception? innerException) : base(message, innerException) { }
}
