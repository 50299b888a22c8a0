namespace IdempotentConsumer.Sqs.Transport;

/// <summary>
/// A receipt no longer names an in-flight message: it was deleted, its visibility lapsed and another consumer received
/// it, or the queue is gone. The message is not this consumer's any more; touch nothing.
/// </summary>
public sealed class SqsMessageLostException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SqsMessageLostException()
        : base("The receipt handle no longer names an in-flight message.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SqsMessageLostException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the transport's error.</summary>
    public SqsMessageLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
