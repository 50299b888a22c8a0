namespace IdempotentConsumer.InProcess;

/// <summary>
/// A transport failure injected by <see cref="InProcessSqsFaults"/>. Like a network error from the AWS SDK it says
/// nothing certain about whether the call took effect: <see cref="Landed"/> tells the test, not the consumer.
/// </summary>
public sealed class InProcessSqsFaultException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InProcessSqsFaultException()
        : this("An injected transport fault.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public InProcessSqsFaultException(string message)
        : base(message)
    {
        Operation = string.Empty;
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public InProcessSqsFaultException(string message, Exception innerException)
        : base(message, innerException)
    {
        Operation = string.Empty;
    }

    /// <summary>Creates the exception for an injected fault of <paramref name="operation"/>.</summary>
    /// <param name="operation">The SQS action that failed, e.g. <c>DeleteMessageBatch</c>.</param>
    /// <param name="landed">True when the call took effect and only its reply was lost.</param>
    public InProcessSqsFaultException(string operation, bool landed)
        : base(landed
            ? $"Injected fault: {operation} took effect, but its reply was lost."
            : $"Injected fault: {operation} was lost before it reached the queue.")
    {
        Operation = operation;
        Landed = landed;
    }

    /// <summary>The SQS action that failed.</summary>
    public string Operation { get; }

    /// <summary>True when the call took effect and only its reply was lost.</summary>
    public bool Landed { get; }
}
