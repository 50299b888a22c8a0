using System.Text.Json;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Serialization;

namespace IdempotentConsumer.Keys;

internal sealed class WholePayloadKeySource : IdempotencyKeySource
{
    public override bool TryGetKeyMaterial(in IdempotencyPayload payload, out string material)
    {
        if (payload.RawJson is null)
        {
            switch (payload.Value)
            {
                case null:
                    material = string.Empty;
                    return false;
                case string text when !LooksLikeJsonContainer(text):
                    // Plain text (not a JSON object or array) keys by itself.
                    material = text;
                    return text.Length > 0;
            }
        }

        using var document = Parse(payload, out var plainText);
        if (document is null)
        {
            material = plainText!;
            return material.Length > 0;
        }

        return CanonicalJson.TryCanonicalizeWhole(document.RootElement, out material);
    }

    internal override bool TryCreateKey(in IdempotencyPayload payload, string prefix, IdempotencyHashAlgorithm algorithm, out string key)
    {
        if (payload.RawJson is null)
        {
            switch (payload.Value)
            {
                case null:
                    key = string.Empty;
                    return false;
                case string text when !LooksLikeJsonContainer(text):
                    key = text.Length > 0 ? IdempotencyHasher.HashWithPrefix(prefix, text, algorithm) : string.Empty;
                    return text.Length > 0;
            }
        }

        // Nearly every payload is plain ASCII JSON: canonicalize it in one pass; anything else takes the document path.
        if ((payload.RawJson ?? payload.Value as string) is { } json)
        {
            switch (PlainJsonCanonicalizer.TryHash(json, prefix, algorithm, out key))
            {
                case PlainJsonCanonicalizer.Outcome.Hashed:
                    return true;
                case PlainJsonCanonicalizer.Outcome.Empty:
                    return false;
            }
        }

        using var document = Parse(payload, out var plainText);
        if (document is null)
        {
            key = plainText!.Length > 0 ? IdempotencyHasher.HashWithPrefix(prefix, plainText, algorithm) : string.Empty;
            return plainText.Length > 0;
        }

        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object && root.ValueKind != JsonValueKind.Array)
        {
            // Scalars: their canonical material is short (or, for strings, unescaped text), so take the simple path.
            if (!CanonicalJson.TryCanonicalizeWhole(root, out var material))
            {
                key = string.Empty;
                return false;
            }

            key = IdempotencyHasher.HashWithPrefix(prefix, material, algorithm);
            return true;
        }

        if (CanonicalJson.IsEmpty(root))
        {
            key = string.Empty;
            return false;
        }

        // Hash the canonical UTF-8 straight from a pooled buffer: same bytes as hashing the canonical string, no string.
        using var buffer = new PooledByteBufferWriter(4096);
        try
        {
            CanonicalJson.WriteTo(root, buffer);
        }
        catch (InvalidOperationException ex)
        {
            throw new IdempotencyKeyInvalidException("The payload contains invalid Unicode (a lone surrogate), so it cannot be hashed without colliding with other keys.", ex);
        }

        key = IdempotencyHasher.HashWithPrefix(prefix, buffer.WrittenSpan, algorithm);
        return true;
    }

    internal override Newtonsoft.Json.Linq.JToken? Select(in IdempotencyPayload payload)
    {
        if (payload.RawJson is null && payload.Value is string text)
        {
            // Plain text keys by itself; a string holding JSON is that JSON.
            try
            {
                return JmesPathJson.Parse(text, "The payload");
            }
            catch (MessageDeserializationException)
            {
                return new Newtonsoft.Json.Linq.JValue(text);
            }
        }

        return payload.RawJson is null && payload.Value is null ? null : JmesPathJson.Parse(payload.GetJson(), "The payload");
    }

    // A string payload that holds a JSON object or array is canonicalized, so field order does not change its key.
    private static bool LooksLikeJsonContainer(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        return trimmed.Length > 0 && (trimmed[0] == '{' || trimmed[0] == '[');
    }

    /// <summary>Parses the payload's JSON; null (with <paramref name="plainText"/>) when a string payload is not JSON after all.</summary>
    private static JsonDocument? Parse(in IdempotencyPayload payload, out string? plainText)
    {
        plainText = null;
        try
        {
            if (payload.RawJson is { } raw)
            {
                return JsonDocument.Parse(raw);
            }

            if (payload.Value is string text)
            {
                try
                {
                    return JsonDocument.Parse(text);
                }
                catch (JsonException)
                {
                    plainText = text;
                    return null;
                }
            }

            return JsonSerializer.SerializeToDocument(payload.Value, IdempotencyJsonDefaults.GetTypeInfo(payload.SerializerOptions, payload.Value!.GetType()));
        }
        catch (JsonException ex)
        {
            throw new MessageDeserializationException($"The payload is not valid JSON, so it cannot be hashed as an idempotency key: {ex.Message}", ex);
        }
        catch (ArgumentException ex)
        {
            throw new IdempotencyKeyInvalidException("The payload contains invalid Unicode (a lone surrogate), so it cannot be hashed without colliding with other keys.", ex);
        }
    }
}
