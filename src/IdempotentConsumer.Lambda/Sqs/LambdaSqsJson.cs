using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Amazon.Lambda.SQSEvents;

namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>
/// Reads and writes <see cref="SQSEvent"/> and <see cref="SQSBatchResponse"/> in the exact JSON shape Lambda
/// uses (<c>Records</c>, <c>messageId</c>, <c>eventSourceARN</c>, <c>batchItemFailures</c>/<c>itemIdentifier</c>, …).
/// </summary>
/// <remarks>
/// Written by hand against the public members only (the official <see cref="SQSEvent"/> has no JSON attributes),
/// so it needs no reflection and is trim- and AOT-safe.
/// Reading matches names without regard to case, as Lambda's own serializer does.
/// </remarks>
internal static class LambdaSqsJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes an SQS event as Lambda delivers it.</summary>
    public static string Serialize(SQSEvent sqsEvent)
    {
        ArgumentNullException.ThrowIfNull(sqsEvent);
        return Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("Records");
            foreach (var record in sqsEvent.Records ?? [])
            {
                WriteMessage(writer, record);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    /// <summary>Writes a batch response as Lambda expects it.</summary>
    public static string Serialize(SQSBatchResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("batchItemFailures");
            foreach (var failure in response.BatchItemFailures ?? [])
            {
                writer.WriteStartObject();
                writer.WriteString("itemIdentifier", failure?.ItemIdentifier);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    /// <summary>Reads an SQS event from Lambda's JSON.</summary>
    /// <exception cref="JsonException">The text is not an SQS event.</exception>
    public static SQSEvent DeserializeEvent(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json);
        var root = RequireObject(document.RootElement, "event");
        var sqsEvent = new SQSEvent { Records = [] };
        if (TryGet(root, "Records", out var records) && records.ValueKind == JsonValueKind.Array)
        {
            foreach (var record in records.EnumerateArray())
            {
                sqsEvent.Records.Add(ReadMessage(RequireObject(record, "record")));
            }
        }

        return sqsEvent;
    }

    /// <summary>Reads a batch response from Lambda's JSON; null or empty text is "no failures", as Lambda treats it.</summary>
    /// <exception cref="JsonException">The text is not a batch response.</exception>
    public static SQSBatchResponse DeserializeBatchResponse(string? json)
    {
        var response = new SQSBatchResponse();
        if (string.IsNullOrWhiteSpace(json))
        {
            return response;
        }

        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind == JsonValueKind.Null)
        {
            return response;
        }

        var root = RequireObject(document.RootElement, "batch response");
        if (TryGet(root, "batchItemFailures", out var failures) && failures.ValueKind == JsonValueKind.Array)
        {
            foreach (var failure in failures.EnumerateArray())
            {
                var item = RequireObject(failure, "batch item failure");
                response.BatchItemFailures.Add(new SQSBatchResponse.BatchItemFailure { ItemIdentifier = GetString(item, "itemIdentifier") });
            }
        }

        return response;
    }

    private static void WriteMessage(Utf8JsonWriter writer, SQSEvent.SQSMessage? record)
    {
        if (record is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("messageId", record.MessageId);
        writer.WriteString("receiptHandle", record.ReceiptHandle);
        writer.WriteString("body", record.Body);
        writer.WriteStartObject("attributes");
        foreach (var (name, value) in record.Attributes ?? [])
        {
            writer.WriteString(name, value);
        }

        writer.WriteEndObject();
        writer.WriteStartObject("messageAttributes");
        foreach (var (name, attribute) in record.MessageAttributes ?? [])
        {
            WriteAttribute(writer, name, attribute);
        }

        writer.WriteEndObject();
        writer.WriteString("md5OfBody", record.Md5OfBody);
        if (record.Md5OfMessageAttributes is not null)
        {
            writer.WriteString("md5OfMessageAttributes", record.Md5OfMessageAttributes);
        }

        writer.WriteString("eventSource", record.EventSource);
        writer.WriteString("eventSourceARN", record.EventSourceArn);
        writer.WriteString("awsRegion", record.AwsRegion);
        writer.WriteEndObject();
    }

    private static void WriteAttribute(Utf8JsonWriter writer, string name, SQSEvent.MessageAttribute? attribute)
    {
        writer.WriteStartObject(name);
        if (attribute is not null)
        {
            if (attribute.StringValue is not null)
            {
                writer.WriteString("stringValue", attribute.StringValue);
            }

            if (attribute.BinaryValue is not null)
            {
                writer.WriteBase64String("binaryValue", attribute.BinaryValue.ToArray());
            }

            writer.WriteStartArray("stringListValues");
            foreach (var value in attribute.StringListValues ?? [])
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("binaryListValues");
            foreach (var value in attribute.BinaryListValues ?? [])
            {
                writer.WriteBase64StringValue(value.ToArray());
            }

            writer.WriteEndArray();
            writer.WriteString("dataType", attribute.DataType);
        }

        writer.WriteEndObject();
    }

    private static SQSEvent.SQSMessage ReadMessage(JsonElement element)
    {
        var message = new SQSEvent.SQSMessage
        {
            MessageId = GetString(element, "messageId"),
            ReceiptHandle = GetString(element, "receiptHandle"),
            Body = GetString(element, "body"),
            Md5OfBody = GetString(element, "md5OfBody"),
            Md5OfMessageAttributes = GetString(element, "md5OfMessageAttributes"),
            EventSource = GetString(element, "eventSource"),
            EventSourceArn = GetString(element, "eventSourceARN"),
            AwsRegion = GetString(element, "awsRegion"),
            Attributes = new Dictionary<string, string>(StringComparer.Ordinal),
            MessageAttributes = new Dictionary<string, SQSEvent.MessageAttribute>(StringComparer.Ordinal),
        };

        if (TryGet(element, "attributes", out var attributes) && attributes.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in attributes.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.String)
                {
                    message.Attributes[property.Name] = property.Value.GetString()!;
                }
            }
        }

        if (TryGet(element, "messageAttributes", out var messageAttributes) && messageAttributes.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in messageAttributes.EnumerateObject())
            {
                message.MessageAttributes[property.Name] = ReadAttribute(RequireObject(property.Value, "message attribute"));
            }
        }

        return message;
    }

    private static SQSEvent.MessageAttribute ReadAttribute(JsonElement element)
    {
        var attribute = new SQSEvent.MessageAttribute
        {
            StringValue = GetString(element, "stringValue"),
            DataType = GetString(element, "dataType"),
            StringListValues = [],
            BinaryListValues = [],
        };

        if (TryGet(element, "binaryValue", out var binary) && binary.ValueKind == JsonValueKind.String)
        {
            attribute.BinaryValue = new MemoryStream(binary.GetBytesFromBase64());
        }

        if (TryGet(element, "stringListValues", out var strings) && strings.ValueKind == JsonValueKind.Array)
        {
            foreach (var value in strings.EnumerateArray())
            {
                attribute.StringListValues.Add(value.GetString() ?? string.Empty);
            }
        }

        if (TryGet(element, "binaryListValues", out var binaries) && binaries.ValueKind == JsonValueKind.Array)
        {
            foreach (var value in binaries.EnumerateArray())
            {
                attribute.BinaryListValues.Add(new MemoryStream(value.GetBytesFromBase64()));
            }
        }

        return attribute;
    }

    private static JsonElement RequireObject(JsonElement element, string what) =>
        element.ValueKind == JsonValueKind.Object
            ? element
            : throw new JsonException($"Expected a JSON object for the {what}, found {element.ValueKind}.");

    private static string? GetString(JsonElement element, string name) =>
        TryGet(element, name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        // Exact name first (the common case), then any casing, as Lambda's serializer accepts.
        if (element.TryGetProperty(name, out value))
        {
            return true;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
