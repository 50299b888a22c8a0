using System.Buffers;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using IdempotentConsumer.Exceptions;

namespace IdempotentConsumer.DynamoDB.Internal;

/// <summary>
/// A stored response as a native DynamoDB value, as Powertools writes it (its <c>marshall</c>): objects as M, arrays
/// as L, strings as S, numbers as N with their JSON text, booleans as BOOL, null as NULL. And back to JSON text.
/// </summary>
internal static class DynamoDbJsonValue
{
    private const int MaxDepth = 64;

    public static AttributeValue FromJson(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDepth });
        return From(document.RootElement);
    }

    /// <exception cref="IdempotencyCorruptRecordException">The value holds a type JSON has no form for (sets, binary).</exception>
    public static string ToJson(AttributeValue value, string key, string attribute)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, value, key, attribute, depth: 0);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static AttributeValue From(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => new AttributeValue
        {
            M = element.EnumerateObject().ToDictionary(p => p.Name, p => From(p.Value), StringComparer.Ordinal),
        },
        JsonValueKind.Array => new AttributeValue { L = element.EnumerateArray().Select(From).ToList() },
        JsonValueKind.String => new AttributeValue { S = element.GetString() },
        JsonValueKind.Number => new AttributeValue { N = element.GetRawText() },
        JsonValueKind.True => new AttributeValue { BOOL = true },
        JsonValueKind.False => new AttributeValue { BOOL = false },
        _ => new AttributeValue { NULL = true },
    };

    private static void Write(Utf8JsonWriter writer, AttributeValue value, string key, string attribute, int depth)
    {
        if (depth > MaxDepth)
        {
            throw Corrupt(key, attribute, $"nests deeper than {MaxDepth} levels");
        }

        if (value.S is not null)
        {
            writer.WriteStringValue(value.S);
        }
        else if (value.N is not null)
        {
            writer.WriteRawValue(value.N);
        }
        else if (value.BOOL is { } flag)
        {
            writer.WriteBooleanValue(flag);
        }
        else if (value.M is not null)
        {
            writer.WriteStartObject();
            foreach (var (name, member) in value.M)
            {
                writer.WritePropertyName(name);
                Write(writer, member, key, attribute, depth + 1);
            }

            writer.WriteEndObject();
        }
        else if (value.L is not null)
        {
            writer.WriteStartArray();
            foreach (var item in value.L)
            {
                Write(writer, item, key, attribute, depth + 1);
            }

            writer.WriteEndArray();
        }
        else if (value.NULL == true)
        {
            writer.WriteNullValue();
        }
        else
        {
            throw Corrupt(key, attribute, "holds a DynamoDB type with no JSON form (a set or binary)");
        }
    }

    private static IdempotencyCorruptRecordException Corrupt(string key, string attribute, string problem) =>
        new($"Idempotency record '{key}': attribute '{attribute}' {problem}.");
}
