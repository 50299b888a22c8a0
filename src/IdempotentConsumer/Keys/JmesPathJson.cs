using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using IdempotentConsumer.Exceptions;
using Newtonsoft.Json.Linq;

namespace IdempotentConsumer.Keys;

/// <summary>
/// Moves JSON between text and the Newtonsoft tokens JmesPath.Net evaluates, without losing what a key needs:
/// every number keeps its source text (an annotation that survives JmesPath.Net's cloning), so
/// <c>0.10000000000000001</c> is not rounded to <c>0.1</c> and <c>1e400</c> does not become Infinity; dates
/// stay strings; lone surrogates are refused instead of being replaced by U+FFFD.
/// </summary>
internal static class JmesPathJson
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses one JSON document into tokens.</summary>
    /// <exception cref="MessageDeserializationException">The text is not one JSON document.</exception>
    /// <exception cref="IdempotencyKeyInvalidException">The text holds a lone surrogate, raw or escaped.</exception>
    public static JToken Parse(string json, string what)
    {
        byte[] utf8;
        try
        {
            utf8 = StrictUtf8.GetBytes(json);
        }
        catch (EncoderFallbackException ex)
        {
            throw new IdempotencyKeyInvalidException($"{what} contains a lone surrogate (invalid Unicode), so no key can be selected from it without collisions.", ex);
        }

        try
        {
            return Read(utf8);
        }
        catch (JsonException ex)
        {
            throw new MessageDeserializationException($"{what} is not valid JSON, so a JMESPath expression cannot select a key from it: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new IdempotencyKeyInvalidException($"{what} contains an escaped lone surrogate (invalid Unicode), so no key can be selected from it without collisions.", ex);
        }
    }

    /// <summary>Writes tokens back to JSON text, numbers as their source text.</summary>
    /// <exception cref="IdempotencyKeyInvalidException">A number computed by a JMESPath function is not finite.</exception>
    public static string Write(JToken token)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            WriteToken(writer, token);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static JToken Read(byte[] utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        var open = new Stack<JContainer>();
        string? propertyName = null;
        JToken? root = null;
        while (reader.Read())
        {
            JToken? value = null;
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    propertyName = reader.GetString();
                    continue;
                case JsonTokenType.StartObject:
                    value = new JObject();
                    break;
                case JsonTokenType.StartArray:
                    value = new JArray();
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    open.Pop();
                    continue;
                case JsonTokenType.String:
                    value = new JValue(reader.GetString());
                    break;
                case JsonTokenType.Number:
                    value = Number(reader.ValueSpan);
                    break;
                case JsonTokenType.True:
                    value = new JValue(true);
                    break;
                case JsonTokenType.False:
                    value = new JValue(false);
                    break;
                case JsonTokenType.Null:
                    value = JValue.CreateNull();
                    break;
            }

            switch (open.Count == 0 ? null : open.Peek())
            {
                case null:
                    root = value;
                    break;
                case JObject parent:
                    // A repeated name keeps the last value, as JSON readers usually do.
                    parent[propertyName!] = value;
                    break;
                case var parent:
                    parent.Add(value);
                    break;
            }

            if (value is JContainer container)
            {
                open.Push(container);
            }
        }

        return root ?? throw new JsonException("The text holds no JSON value.");
    }

    private static JValue Number(ReadOnlySpan<byte> raw)
    {
        var text = Encoding.ASCII.GetString(raw);

        // JMESPath compares and computes with these; the key uses the annotation.
        var value = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
            ? new JValue(integer)
            : new JValue(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
        value.AddAnnotation(new SourceNumber(text));
        return value;
    }

    private static void WriteToken(Utf8JsonWriter writer, JToken token)
    {
        switch (token)
        {
            case JObject obj:
                writer.WriteStartObject();
                foreach (var property in obj.Properties())
                {
                    writer.WritePropertyName(property.Name);
                    WriteToken(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteToken(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JValue value:
                WriteValue(writer, value);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    private static void WriteValue(Utf8JsonWriter writer, JValue value)
    {
        if (value.Annotation<SourceNumber>() is { } source)
        {
            writer.WriteRawValue(source.Text, skipInputValidation: true);
            return;
        }

        switch (value.Value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case double d when double.IsFinite(d):
                writer.WriteNumberValue(d);
                break;
            case double:
                throw new IdempotencyKeyInvalidException("A JMESPath function computed a number that is not finite, so it cannot be an idempotency key.");
            case IFormattable number and (int or decimal or float or ulong or System.Numerics.BigInteger):
                writer.WriteRawValue(number.ToString(null, CultureInfo.InvariantCulture), skipInputValidation: true);
                break;
            case var other:
                writer.WriteStringValue(Convert.ToString(other, CultureInfo.InvariantCulture));
                break;
        }
    }

    /// <summary>A number's text as it appeared in the source JSON.</summary>
    private sealed record SourceNumber(string Text);
}
