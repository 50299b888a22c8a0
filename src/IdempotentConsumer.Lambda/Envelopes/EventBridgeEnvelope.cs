using System.Text.Json;
using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Exceptions;

namespace IdempotentConsumer.Lambda.Envelopes;

/// <summary>An EventBridge event delivered to an SQS queue by a rule target.</summary>
internal sealed class EventBridgeEnvelope : SqsEnvelope
{
    public override string Name => "eventbridge";

    public override SqsEnvelopeContent Open(SQSEvent.SQSMessage record)
    {
        using var document = EnvelopeJson.ParseObject(record?.Body, "EventBridge event", record?.MessageId);
        var root = document.RootElement;
        if (!root.TryGetProperty("detail", out var detail) || detail.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            throw new MessageDeserializationException($"Message {record?.MessageId} is not an EventBridge event: it has no 'detail'.");
        }

        return SqsEnvelopeContent.Payload(detail.GetRawText(), EnvelopeJson.GetString(root, "id"));
    }
}
