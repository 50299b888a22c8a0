using IdempotentConsumer.Pipeline;

namespace IdempotentConsumer.Sqs;

/// <summary>
/// An SQS message as the transport delivered it, whoever delivered it: a Lambda SQS record, a message received with
/// the AWS SDK, or the in-process queue. It is the typed transport context of <see cref="IncomingMessage.Transport"/>.
/// </summary>
public class SqsTransportMessage : TransportMessage
{
    private static readonly IReadOnlyDictionary<string, string> NoAttributes = new Dictionary<string, string>();
    private static readonly IReadOnlyDictionary<string, SqsMessageAttribute> NoMessageAttributes = new Dictionary<string, SqsMessageAttribute>();

    /// <inheritdoc />
    public override string TransportName => "sqs";

    /// <summary>The SQS message id.</summary>
    public required string MessageId { get; init; }

    /// <summary>The receipt handle of this receive (deletes and visibility changes use it).</summary>
    public string? ReceiptHandle { get; init; }

    /// <summary>The body as sent.</summary>
    public required string Body { get; init; }

    /// <summary>SQS system attributes (<see cref="SqsSystemAttributes"/>).</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = NoAttributes;

    /// <summary>The producer's message attributes, typed.</summary>
    public IReadOnlyDictionary<string, SqsMessageAttribute> MessageAttributes { get; init; } = NoMessageAttributes;

    /// <summary>The queue's ARN (Lambda's <c>eventSourceArn</c>) or URL, when known.</summary>
    public string? QueueArnOrUrl { get; init; }

    /// <summary>The FIFO message group, or null on a standard queue.</summary>
    public string? MessageGroupId => Attributes.TryGetValue(SqsSystemAttributes.MessageGroupId, out var group) && group.Length > 0 ? group : null;

    /// <summary>True when the message comes from a FIFO queue (a <c>.fifo</c> queue name or a message group).</summary>
    public bool IsFromFifoQueue => (QueueArnOrUrl?.EndsWith(".fifo", StringComparison.Ordinal) ?? false) || MessageGroupId is not null;
}
