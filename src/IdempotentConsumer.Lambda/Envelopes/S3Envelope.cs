using System.Text;
using System.Text.Json;
using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Exceptions;

namespace IdempotentConsumer.Lambda.Envelopes;

/// <summary>An S3 event notification delivered to an SQS queue.</summary>
internal sealed class S3Envelope : SqsEnvelope
{
    public override string Name => "s3";

    public override SqsEnvelopeContent Open(SQSEvent.SQSMessage record)
    {
        var body = record?.Body;
        using var document = EnvelopeJson.ParseObject(body, "S3 event notification", record?.MessageId);
        var root = document.RootElement;

        // S3 sends this once when a notification configuration is saved; it describes no object.
        if (string.Equals(EnvelopeJson.GetString(root, "Event"), "s3:TestEvent", StringComparison.Ordinal))
        {
            return SqsEnvelopeContent.Ignore("s3:TestEvent");
        }

        if (!root.TryGetProperty("Records", out var records) || records.ValueKind != JsonValueKind.Array || records.GetArrayLength() == 0)
        {
            throw new MessageDeserializationException($"Message {record?.MessageId} is not an S3 event notification: it has no 'Records'.");
        }

        // bucket + key + sequencer identifies one event on one object version; the sequencer orders events per key.
        var key = new StringBuilder();
        foreach (var item in records.EnumerateArray())
        {
            var s3 = EnvelopeJson.GetObject(item, "s3");
            var bucket = s3 is { } b ? EnvelopeJson.GetString(EnvelopeJson.GetObject(b, "bucket") ?? default, "name") : null;
            var obj = s3 is { } o ? EnvelopeJson.GetObject(o, "object") : null;
            var objectKey = obj is { } k ? EnvelopeJson.GetString(k, "key") : null;
            if (bucket is null || objectKey is null)
            {
                throw new MessageDeserializationException($"Message {record?.MessageId} has an S3 record without s3.bucket.name and s3.object.key.");
            }

            var sequencer = obj is { } s ? EnvelopeJson.GetString(s, "sequencer") : null;
            if (key.Length > 0)
            {
                key.Append('\n');
            }

            key.Append(bucket).Append('/').Append(objectKey);
            if (sequencer is not null)
            {
                key.Append('#').Append(sequencer);
            }
        }

        return SqsEnvelopeContent.Payload(body!, key.ToString());
    }
}
