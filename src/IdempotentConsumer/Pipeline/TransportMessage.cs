namespace IdempotentConsumer.Pipeline;

/// <summary>
/// What the transport knows about a delivered message beyond the neutral <see cref="IncomingMessage"/>: the SQS
/// receipt handle and typed attributes, the Lambda record, …. Each transport derives its own type, so a handler
/// reads it typed (<c>context.Incoming.Transport as SqsTransportMessage</c>) instead of from a string-keyed bag.
/// </summary>
public abstract class TransportMessage
{
    /// <summary>The transport's name, for logs and telemetry (<c>sqs</c>, <c>inprocess</c>, …).</summary>
    public abstract string TransportName { get; }
}
