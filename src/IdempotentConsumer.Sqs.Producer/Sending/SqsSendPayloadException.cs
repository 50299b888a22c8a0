using IdempotentConsumer.Exceptions;

namespace IdempotentConsumer.Sqs.Producer.Sending;

/// <summary>
/// A message cannot be sent as given (its body is not valid JSON or does not serialize, it is larger than SQS takes, or its
/// FIFO group id is missing or not one SQS accepts). Raised while preparing, before anything of the call is sent.
/// </summary>
public sealed class SqsSendPayloadException : IdempotencyException
{
    /// <summary>Creates the exception with a message.</summary>
    public SqsSendPayloadException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public SqsSendPayloadException(string message, Exception? innerException) : base(message, innerException) { }
}
