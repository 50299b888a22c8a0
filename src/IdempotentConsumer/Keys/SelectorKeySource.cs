using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using IdempotentConsumer.Serialization;

namespace IdempotentConsumer.Keys;

internal sealed class SelectorKeySource<TPayload>(Func<TPayload, object?> selector) : IdempotencyKeySource
{
    public override bool TryGetKeyMaterial(in IdempotencyPayload payload, out string material)
    {
        if (payload.Value is not TPayload typed)
        {
            throw new Exceptions.IdempotencyConfigurationException(
                $"The key selector expects a payload of type {typeof(TPayload).Name} but got {payload.Value?.GetType().Name ?? "null"}.");
        }

        switch (selector(typed))
        {
            case null:
                material = string.Empty;
                return false;
            case string s:
                // A string key is hashed as the text itself (no JSON round trip on the hot path), quoted only
                // when it could be mistaken for another JSON value.
                material = KeyText.Encode(s);
                return s.Length > 0;
            case ITuple tuple:
                // System.Text.Json writes a ValueTuple as {} (its items are fields), which would be "no key" for
                // every message: a tuple keys as the array of its items instead.
                return CanonicalJson.TryCanonicalize(SerializeItems(tuple, payload.SerializerOptions), out material);
            case var other:
                var json = JsonSerializer.SerializeToElement(other, IdempotencyJsonDefaults.GetTypeInfo(payload.SerializerOptions, other.GetType()));
                return CanonicalJson.TryCanonicalize(json, out material);
        }
    }

    internal override Newtonsoft.Json.Linq.JToken? Select(in IdempotencyPayload payload)
    {
        if (payload.Value is not TPayload typed)
        {
            throw new Exceptions.IdempotencyConfigurationException(
                $"The key selector expects a payload of type {typeof(TPayload).Name} but got {payload.Value?.GetType().Name ?? "null"}.");
        }

        return selector(typed) switch
        {
            null => null,
            string s => new Newtonsoft.Json.Linq.JValue(s),
            ITuple tuple => JmesPathJson.Parse(SerializeItems(tuple, payload.SerializerOptions).GetRawText(), "The selected key"),
            var other => JmesPathJson.Parse(
                JsonSerializer.Serialize(other, IdempotencyJsonDefaults.GetTypeInfo(payload.SerializerOptions, other.GetType())), "The selected key"),
        };
    }

    // Each item through the metadata of its runtime type, as the serializer writes an object?[]: no reflection
    // where the options carry a source-generated resolver.
    private static JsonElement SerializeItems(ITuple tuple, JsonSerializerOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            for (var i = 0; i < tuple.Length; i++)
            {
                if (tuple[i] is { } item)
                {
                    JsonSerializer.Serialize(writer, item, IdempotencyJsonDefaults.GetTypeInfo(options, item.GetType()));
                }
                else
                {
                    writer.WriteNullValue();
                }
            }

            writer.WriteEndArray();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
