using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using IdempotentConsumer.Exceptions;

namespace IdempotentConsumer.Keys;

/// <summary>
/// Writes JSON in one canonical form: object members sorted by ordinal name, no whitespace, strings
/// re-escaped by one writer, numbers by their exact decimal value (<c>1.0</c> and <c>1e0</c> are <c>1</c>).
/// The same document with fields in another order gives the same text.
/// </summary>
public static class CanonicalJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = true };

    /// <summary>
    /// Canonicalizes JSON text as key material. Returns false when it is "no key": null, <c>""</c>, or an array or
    /// object whose members are all "no key" (<c>[]</c>, <c>{}</c>, <c>[null,null]</c>, <c>{"a":null}</c>).
    /// </summary>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    /// <exception cref="IdempotencyKeyInvalidException">The text holds invalid Unicode (a lone surrogate).</exception>
    public static bool TryCanonicalize(string json, out string canonical)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (ArgumentException ex)
        {
            // A raw lone surrogate in the .NET string cannot be transcoded to UTF-8.
            throw InvalidUnicode(ex);
        }

        using (doc)
        {
            return TryCanonicalize(doc.RootElement, out canonical);
        }
    }

    /// <summary>
    /// Canonicalizes a JSON element as key material. Returns false when it is "no key": null, <c>""</c>, or an
    /// array or object whose members are all "no key". A string keys by its text, quoted only when that text
    /// could be mistaken for another JSON value (see <see cref="KeyText"/>), so values of different types never collide.
    /// </summary>
    /// <exception cref="IdempotencyKeyInvalidException">The element holds invalid Unicode (an escaped lone surrogate).</exception>
    public static bool TryCanonicalize(JsonElement element, out string canonical) =>
        TryCanonicalize(element, IsMissing(element), out canonical);

    /// <summary>
    /// As <see cref="TryCanonicalize(JsonElement, out string)"/>, but "no key" only for a top-level null, <c>""</c>,
    /// <c>[]</c> or <c>{}</c>: the whole payload is its own key even when its members are null.
    /// </summary>
    internal static bool TryCanonicalizeWhole(JsonElement element, out string canonical) =>
        TryCanonicalize(element, IsEmpty(element), out canonical);

    private static bool TryCanonicalize(JsonElement element, bool missing, out string canonical)
    {
        try
        {
            if (missing)
            {
                canonical = string.Empty;
                return false;
            }

            if (element.ValueKind == JsonValueKind.String)
            {
                canonical = KeyText.Encode(element.GetString()!);
                return true;
            }

            canonical = WriteCore(element);
            return true;
        }
        catch (InvalidOperationException ex)
        {
            // System.Text.Json refuses to unescape "\ud800" without its pair; keying on a replacement character would collide.
            throw InvalidUnicode(ex);
        }
    }

    /// <summary>Returns the canonical JSON text of an element.</summary>
    /// <exception cref="IdempotencyKeyInvalidException">The element holds invalid Unicode (an escaped lone surrogate).</exception>
    public static string Write(JsonElement element)
    {
        try
        {
            return WriteCore(element);
        }
        catch (InvalidOperationException ex)
        {
            throw InvalidUnicode(ex);
        }
    }

    /// <summary>"No key" as a selected value: null, <c>""</c>, or an array or object whose members are all missing.</summary>
    internal static bool IsMissing(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (!IsMissing(item))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!IsMissing(property.Value))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return IsEmpty(element);
        }
    }

    internal static bool IsEmpty(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => true,
        JsonValueKind.String => element.ValueEquals(ReadOnlySpan<byte>.Empty),
        JsonValueKind.Array => element.GetArrayLength() == 0,
        JsonValueKind.Object => !HasProperties(element),
        _ => false,
    };

    /// <summary>Writes the canonical UTF-8 form of <paramref name="element"/> into <paramref name="output"/>.</summary>
    internal static void WriteTo(JsonElement element, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        WriteElement(writer, element);
    }

    private static string WriteCore(JsonElement element)
    {
        var buffer = new PooledByteBufferWriter(1024);
        try
        {
            WriteTo(element, buffer);
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        finally
        {
            buffer.Dispose();
        }
    }

    private static bool HasProperties(JsonElement element)
    {
        using var properties = element.EnumerateObject();
        return properties.MoveNext();
    }

    private static void WriteElement(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(writer, element);
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteElement(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                var raw = JsonMarshal.GetRawUtf8Value(element);
                if (CanonicalNumber.IsCanonical(raw))
                {
                    writer.WriteRawValue(raw, skipInputValidation: true);
                }
                else
                {
                    writer.WriteRawValue(CanonicalNumber.Canonicalize(raw), skipInputValidation: true);
                }

                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    private static void WriteObject(Utf8JsonWriter writer, JsonElement element)
    {
        var count = 0;
        foreach (var _ in element.EnumerateObject())
        {
            count++;
        }

        var members = ArrayPool<Member>.Shared.Rent(count);
        try
        {
            var i = 0;
            foreach (var property in element.EnumerateObject())
            {
                members[i++] = Member.Create(property);
            }

            var span = members.AsSpan(0, count);
            span.Sort(Member.Compare);
            writer.WriteStartObject();
            foreach (ref readonly var member in span)
            {
                // Both forms go through the same writer and encoder, so they escape identically.
                if (member.Name is { } name)
                {
                    writer.WritePropertyName(name);
                }
                else
                {
                    writer.WritePropertyName(JsonMarshal.GetRawUtf8PropertyName(member.Property));
                }

                WriteElement(writer, member.Property.Value);
            }

            writer.WriteEndObject();
        }
        finally
        {
            ArrayPool<Member>.Shared.Return(members, clearArray: true);
        }
    }

    private static IdempotencyKeyInvalidException InvalidUnicode(Exception inner) =>
        new("The idempotency key material contains invalid Unicode (a lone surrogate), so it cannot be hashed without colliding with other keys.", inner);

    /// <summary>
    /// An object member to sort. Plain names (ASCII, no escapes: nearly all of them) are compared and written
    /// straight from the document's UTF-8 bytes, where byte order equals UTF-16 ordinal order; any other name
    /// is decoded to a string once. The order is ordinal UTF-16 either way.
    /// </summary>
    private readonly struct Member
    {
        public static readonly Comparison<Member> Compare = CompareMembers;

        private Member(JsonProperty property, string? name)
        {
            Property = property;
            Name = name;
        }

        public JsonProperty Property { get; }

        /// <summary>The decoded name, for names that are not plain ASCII; null for plain ones.</summary>
        public string? Name { get; }

        public static Member Create(JsonProperty property)
        {
            var raw = JsonMarshal.GetRawUtf8PropertyName(property);
            var plain = Ascii.IsValid(raw) && raw.IndexOf((byte)'\\') < 0;
            return new Member(property, plain ? null : property.Name);
        }

        private static int CompareMembers(Member a, Member b)
        {
            if (a.Name is null && b.Name is null)
            {
                return JsonMarshal.GetRawUtf8PropertyName(a.Property).SequenceCompareTo(JsonMarshal.GetRawUtf8PropertyName(b.Property));
            }

            return string.CompareOrdinal(a.Name ?? a.Property.Name, b.Name ?? b.Property.Name);
        }
    }
}
