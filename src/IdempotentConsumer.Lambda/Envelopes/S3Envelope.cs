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

        // One key per S3 event, never per object: S3 sends a sequencer only for PUT and DELETE, so restore,
        // tagging, ACL, lifecycle and replication events on one object would otherwise share a key and all but
        // the first be "replayed" unhandled. See docs/lambda.md (S3 default key).
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

            if (key.Length > 0)
            {
                key.Append('\n');
            }

            AppendEventKey(key, item, obj!.Value, bucket, objectKey);
        }

        return SqsEnvelopeContent.Payload(body!, key.ToString());
    }

    // bucket/key#event[#v:version][#e:etag][#s:sequencer][#t:eventTime]. Labels keep the parts apart; the object
    // key is URL-encoded by S3, so it holds no '#' or newline. The sequencer is unique per PUT/DELETE event on a
    // key; without one, the event time is what tells two events on the same object version apart.
    private static void AppendEventKey(StringBuilder key, JsonElement item, JsonElement obj, string bucket, string objectKey)
    {
        key.Append(bucket).Append('/').Append(objectKey).Append('#').Append(EnvelopeJson.GetString(item, "eventName"));
        AppendPart(key, "v", EnvelopeJson.GetString(obj, "versionId"));
        AppendPart(key, "e", EnvelopeJson.GetString(obj, "eTag"));
        var sequencer = EnvelopeJson.GetString(obj, "sequencer");
        AppendPart(key, "s", sequencer);
        if (sequencer is null)
        {
            AppendPart(key, "t", EnvelopeJson.GetString(item, "eventTime"));
        }
    }

    private static void AppendPart(StringBuilder key, string label, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            key.Append('#').Append(label).Append(':').Append(value);
        }
    }
}
