namespace IdempotentConsumer.Exceptions;

/// <summary>The options are invalid (for example an unparseable JMESPath expression or an empty key prefix).</summary>
public sealed class IdempotencyConfigurationException : IdempotencyException
{
    /// <summary>Creates the exception with a message.</summary>
    public IdempotencyConfigurationException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public IdempotencyConfigurationException(string message, Exception? innerException) : base(message, innerException) { }
}
