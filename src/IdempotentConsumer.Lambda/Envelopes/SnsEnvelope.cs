using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Exceptions;

namespace IdempotentConsumer.Lambda.Envelopes;

/// <summary>An SNS notification delivered to an SQS queue (raw message delivery off).</summary>
internal sealed class SnsEnvelope : SqsEnvelope
{
    public override string Name => "sns";

    public override SqsEnvelopeContent Open(SQSEvent.SQSMessage record)
    {
        using var document = EnvelopeJson.ParseObject(record?.Body, "SNS notification", record?.MessageId);
        var root = document.RootElement;
        var type = EnvelopeJson.GetString(root, "Type");

        // Subscription confirmations and other control messages carry no work, but deleting them would lose
        // the confirmation: fail the record so it stays visible (and reaches a DLQ) instead.
        if (type is not null && !string.Equals(type, "Notification", StringComparison.Ordinal))
        {
            throw new MessageDeserializationException($"Message {record?.MessageId} is an SNS '{type}' message, not a Notification.");
        }

        var message = EnvelopeJson.GetString(root, "Message")
            ?? throw new MessageDeserializationException($"Message {record?.MessageId} is not an SNS notification: it has no string 'Message' (is raw message delivery on?).");
        return SqsEnvelopeContent.Payload(message, EnvelopeJson.GetString(root, "MessageId"));
    }
}
