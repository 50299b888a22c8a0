namespace IdempotentConsumer.Exceptions;

/// <summary>A message body could not be turned into the handler's message type (malformed JSON, empty body, wrong shape).</summary>
public sealed class MessageDeserializationException : IdempotencyException
{
    /// <summary>Creates the exception with a message.</summary>
    public MessageDeserializationException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public MessageDeserializationException(string message, Exception? innerException) : base(message, innerException) { }
}
