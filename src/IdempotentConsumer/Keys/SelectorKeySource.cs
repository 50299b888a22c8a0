using System.Runtime.CompilerServices;
using System.Text.Json;

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
                var items = new object?[tuple.Length];
                for (var i = 0; i < items.Length; i++)
                {
                    items[i] = tuple[i];
                }

                return CanonicalJson.TryCanonicalize(JsonSerializer.SerializeToElement(items, payload.SerializerOptions), out material);
            case var other:
                var json = JsonSerializer.SerializeToElement(other, other.GetType(), payload.SerializerOptions);
                return CanonicalJson.TryCanonicalize(json, out material);
        }
    }
}
