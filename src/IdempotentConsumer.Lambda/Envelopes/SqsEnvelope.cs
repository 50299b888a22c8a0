using Amazon.Lambda.SQSEvents;

namespace IdempotentConsumer.Lambda.Envelopes;

/// <summary>
/// How to open an SQS body that wraps another service's message: SNS notifications, EventBridge events and
/// S3 event notifications delivered through a queue. Each built-in envelope also supplies a default
/// idempotency key, used unless a key is configured explicitly.
/// </summary>
public abstract class SqsEnvelope
{
    /// <summary>The body is the payload; no default key (the payload's key source decides).</summary>
    public static SqsEnvelope None { get; } = new RawBodyEnvelope();

    /// <summary>An SNS notification (<c>Type: Notification</c>): the payload is <c>Message</c>, the default key <c>MessageId</c>. Raw message delivery must be off.</summary>
    public static SqsEnvelope Sns { get; } = new SnsEnvelope();

    /// <summary>An EventBridge event: the payload is <c>detail</c>, the default key the event's <c>id</c>.</summary>
    public static SqsEnvelope EventBridge { get; } = new EventBridgeEnvelope();

    /// <summary>
    /// An S3 event notification: the payload is the whole notification (see <see cref="S3EventNotification"/>),
    /// the default key names each record's event: bucket, object key, <c>eventName</c>, version id, ETag and <c>sequencer</c>
    /// where present, and the <c>eventTime</c> when there is no sequencer (S3 sends one only for PUT and DELETE), so two
    /// different events on one object never share a key. S3's <c>s3:TestEvent</c> is acknowledged and ignored.
    /// </summary>
    public static SqsEnvelope S3 { get; } = new S3Envelope();

    /// <summary>A short name for logs.</summary>
    public abstract string Name { get; }

    /// <summary>Opens a record's body.</summary>
    /// <exception cref="Exceptions.MessageDeserializationException">The body is not this envelope's shape; only this record fails.</exception>
    public abstract SqsEnvelopeContent Open(SQSEvent.SQSMessage record);

    private sealed class RawBodyEnvelope : SqsEnvelope
    {
        public override string Name => "none";

        public override SqsEnvelopeContent Open(SQSEvent.SQSMessage record) =>
            SqsEnvelopeContent.Payload(record?.Body ?? string.Empty, null);
    }
}
