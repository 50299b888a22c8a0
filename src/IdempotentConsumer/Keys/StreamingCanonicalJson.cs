using System.Buffers;
using System.Text;
using System.Text.Json;

namespace IdempotentConsumer.Keys;

/// <summary>
/// Writes the canonical form of <see cref="CanonicalJson"/> straight from UTF-8 JSON with a
/// <see cref="Utf8JsonReader"/>, with no document: each object's member names are scanned first; members already
/// in strictly ascending order are written as they come, and only an object whose members are out of order (or
/// repeat a name) is sorted, by the offsets of its members. The output is byte-identical to
/// <see cref="CanonicalJson.WriteTo"/>: the same writer escapes strings and names, the same comparison (and the
/// same sort, so repeated names land in the same order) orders members, and <see cref="CanonicalNumber"/> writes numbers.
/// </summary>
internal static class StreamingCanonicalJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = true };

    /// <summary>
    /// Writes the canonical form of the JSON object or array in <paramref name="json"/> into <paramref name="output"/>.
    /// Returns false, having validated the whole text, when the root is an empty object or array.
    /// </summary>
    /// <exception cref="JsonException">The text is not one JSON document.</exception>
    /// <exception cref="InvalidOperationException">A string or name holds an escaped lone surrogate.</exception>
    public static bool TryWriteContainer(ReadOnlyMemory<byte> json, IBufferWriter<byte> output)
    {
        var reader = new Utf8JsonReader(json.Span);
        reader.Read();
        var members = new MemberStack();
        try
        {
            using var writer = new Utf8JsonWriter(output, WriterOptions);
            var hasMembers = WriteValue(json, 0, ref reader, writer, ref members);
            if (reader.Read())
            {
                throw new JsonException("The payload holds more than one JSON value.");
            }

            writer.Flush();
            return hasMembers;
        }
        finally
        {
            members.Dispose();
        }
    }

    /// <summary>Writes the value whose first token <paramref name="reader"/> is on; leaves it on the value's last token.</summary>
    /// <returns>False for an empty object or array.</returns>
    private static bool WriteValue(ReadOnlyMemory<byte> json, int offset, ref Utf8JsonReader reader, Utf8JsonWriter writer, ref MemberStack members)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                return WriteObject(json, offset, ref reader, writer, ref members);
            case JsonTokenType.StartArray:
                writer.WriteStartArray();
                var any = false;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    any = true;
                    WriteValue(json, offset, ref reader, writer, ref members);
                }

                writer.WriteEndArray();
                return any;
            case JsonTokenType.String:
                WriteString(ref reader, writer);
                return true;
            case JsonTokenType.Number:
                var raw = reader.ValueSpan;
                if (CanonicalNumber.IsCanonical(raw))
                {
                    writer.WriteRawValue(raw, skipInputValidation: true);
                }
                else
                {
                    writer.WriteRawValue(CanonicalNumber.Canonicalize(raw), skipInputValidation: true);
                }

                return true;
            case JsonTokenType.True:
                writer.WriteBooleanValue(true);
                return true;
            case JsonTokenType.False:
                writer.WriteBooleanValue(false);
                return true;
            default:
                writer.WriteNullValue();
                return true;
        }
    }

    private static void WriteString(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        if (!reader.ValueIsEscaped)
        {
            writer.WriteStringValue(reader.ValueSpan);
            return;
        }

        // Unescaped text is never longer than its escaped form.
        var length = reader.ValueSpan.Length;
        byte[]? rented = null;
        var scratch = length <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = reader.CopyString(scratch);
            writer.WriteStringValue(scratch[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static bool WriteObject(ReadOnlyMemory<byte> json, int offset, ref Utf8JsonReader reader, Utf8JsonWriter writer, ref MemberStack members)
    {
        // Scan the names on a copy of the reader; the copy ends on the object's end, where the caller continues.
        var scan = reader;
        var start = members.Count;
        var ordered = true;
        while (scan.Read() && scan.TokenType == JsonTokenType.PropertyName)
        {
            var nameAt = offset + (int)scan.TokenStartIndex + 1;
            var rawName = json.Slice(nameAt, scan.ValueSpan.Length);
            var plain = !scan.ValueIsEscaped && Ascii.IsValid(rawName.Span);
            var name = plain ? null : scan.GetString();
            scan.Read();
            var member = new Member(rawName, name, offset + (int)scan.TokenStartIndex, scan.TokenType, scan.ValueIsEscaped ? -1 : scan.ValueSpan.Length);
            scan.Skip();

            // Strictly ascending only: equal names go through the sort, which decides their order as CanonicalJson's does.
            if (members.Count > start && Member.Compare(members[members.Count - 1], member) >= 0)
            {
                ordered = false;
            }

            members.Push(member);
        }

        var count = members.Count - start;
        try
        {
            if (!ordered)
            {
                members.Slice(start, count).Sort(Member.Compare);
            }

            writer.WriteStartObject();

            // By index: nested objects push onto the same stack, which may move to a larger array.
            for (var i = 0; i < count; i++)
            {
                var member = members[start + i];
                if (member.Name is { } name)
                {
                    writer.WritePropertyName(name);
                }
                else
                {
                    writer.WritePropertyName(member.RawName.Span);
                }

                if (!WritePlainValue(json.Span, member, writer))
                {
                    var value = new Utf8JsonReader(json.Span[member.ValueAt..]);
                    value.Read();
                    WriteValue(json, member.ValueAt, ref value, writer, ref members);
                }
            }

            writer.WriteEndObject();
        }
        finally
        {
            members.Pop(start);
        }

        reader = scan;
        return count > 0;
    }

    /// <summary>Writes a number, literal or unescaped string from what the scan noted; false for anything else.</summary>
    private static bool WritePlainValue(ReadOnlySpan<byte> json, in Member member, Utf8JsonWriter writer)
    {
        switch (member.ValueType)
        {
            case JsonTokenType.String when member.ValueLength >= 0:
                writer.WriteStringValue(json.Slice(member.ValueAt + 1, member.ValueLength));
                return true;
            case JsonTokenType.Number:
                var raw = json.Slice(member.ValueAt, member.ValueLength);
                if (CanonicalNumber.IsCanonical(raw))
                {
                    writer.WriteRawValue(raw, skipInputValidation: true);
                }
                else
                {
                    writer.WriteRawValue(CanonicalNumber.Canonicalize(raw), skipInputValidation: true);
                }

                return true;
            case JsonTokenType.True or JsonTokenType.False:
                writer.WriteBooleanValue(member.ValueType == JsonTokenType.True);
                return true;
            case JsonTokenType.Null:
                writer.WriteNullValue();
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// An object member: its raw name (compared as bytes when plain ASCII without escapes, where byte order is
    /// UTF-16 ordinal order), its decoded name otherwise, where its value starts, the value's token, and its
    /// raw length (-1 for an escaped string, which is unescaped on a reader).
    /// </summary>
    private readonly record struct Member(ReadOnlyMemory<byte> RawName, string? Name, int ValueAt, JsonTokenType ValueType, int ValueLength)
    {
        public static readonly Comparison<Member> Compare = CompareMembers;

        private string Text => Name ?? Encoding.ASCII.GetString(RawName.Span);

        private static int CompareMembers(Member a, Member b) =>
            a.Name is null && b.Name is null
                ? a.RawName.Span.SequenceCompareTo(b.RawName.Span)
                : string.CompareOrdinal(a.Text, b.Text);
    }

    /// <summary>The members of every open object, on one pooled array.</summary>
    private struct MemberStack : IDisposable
    {
        private Member[]? _items;

        public int Count { get; private set; }

        public readonly Member this[int index] => _items![index];

        public void Push(Member member)
        {
            if (_items is null || Count == _items.Length)
            {
                var grown = ArrayPool<Member>.Shared.Rent(Math.Max(16, Count * 2));
                if (_items is not null)
                {
                    _items.AsSpan(0, Count).CopyTo(grown);
                    ArrayPool<Member>.Shared.Return(_items, clearArray: true);
                }

                _items = grown;
            }

            _items[Count++] = member;
        }

        public readonly Span<Member> Slice(int start, int count) => _items is null ? [] : _items.AsSpan(start, count);

        public void Pop(int count) => Count = count;

        public void Dispose()
        {
            if (_items is not null)
            {
                ArrayPool<Member>.Shared.Return(_items, clearArray: true);
                _items = null;
            }
        }
    }
}
