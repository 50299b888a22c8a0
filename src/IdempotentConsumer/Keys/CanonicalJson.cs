using System.Buffers;
using System.Text;
using System.Text.Json;

namespace IdempotentConsumer.Keys;

/// <summary>
/// Writes JSON in one canonical form: object members sorted by ordinal name, no whitespace, strings
/// re-escaped by one writer. The same document with fields in another order gives the same text.
/// </summary>
public static class CanonicalJson
{
    /// <summary>Canonicalizes JSON text. Returns false for null, empty strings, arrays and objects (no key).</summary>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    public static bool TryCanonicalize(string json, out string canonical)
    {
        using var doc = JsonDocument.Parse(json);
        return TryCanonicalize(doc.RootElement, out canonical);
    }

    /// <summary>Canonicalizes a JSON element. Returns false when the element is "no key" (null, "", [] or {}).</summary>
    public static bool TryCanonicalize(JsonElement element, out string canonical)
    {
        if (IsEmpty(element))
        {
            canonical = string.Empty;
            return false;
        }

        if (element.ValueKind == JsonValueKind.String)
        {
            // A selected string keys by its text, exactly like a typed selector returning that string.
            canonical = element.GetString()!;
            return true;
        }

        canonical = Write(element);
        return true;
    }

    /// <summary>Returns the canonical JSON text of an element.</summary>
    public static string Write(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, SkipValidation = true }))
        {
            WriteElement(writer, element);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    internal static bool IsEmpty(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => true,
        JsonValueKind.String => element.GetString()!.Length == 0,
        JsonValueKind.Array => element.GetArrayLength() == 0,
        JsonValueKind.Object => !element.EnumerateObject().Any(),
        _ => false,
    };

    private static void WriteElement(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                var properties = element.EnumerateObject().ToArray();
                Array.Sort(properties, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                foreach (var property in properties)
                {
                    writer.WritePropertyName(property.Name);
                    WriteElement(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteElement(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
