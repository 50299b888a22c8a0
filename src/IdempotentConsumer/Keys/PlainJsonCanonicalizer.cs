using System.Buffers;
using System.Text;
using System.Text.Json;

namespace IdempotentConsumer.Keys;

/// <summary>
/// Writes <see cref="CanonicalJson"/>'s canonical form in one pass over UTF-8 JSON, without building a document, for
/// the shape nearly every payload has: ASCII, with member names the writer leaves as they are. String values may hold
/// escapes and characters the writer escapes; they are rewritten to the writer's spelling. Anything else (a non-ASCII
/// character, raw or escaped; a name that is not plain; a repeated name; deep nesting; invalid JSON) answers
/// <see cref="Outcome.Unsupported"/> and the caller takes the document path, which then decides (and reports errors)
/// exactly as it always has.
/// </summary>
/// <remarks>
/// Input that is already canonical is copied in runs; an object whose names are out of order is rearranged in place
/// when it closes, so sorted objects cost nothing extra. The output outgrows the input only where a number or a string
/// character is rewritten longer, so one pooled buffer of the input's size nearly always suffices.
/// </remarks>
internal ref struct PlainJsonCanonicalizer
{
    // Bailing out is always safe, so stay far inside System.Text.Json's default depth of 64.
    private const int MaxDepth = 32;

    private const int Slack = 16;

    /// <summary>How the canonical writer spells each ASCII character inside a string.</summary>
    private static readonly byte[][] WriterSpellings = FindWriterSpellings();

    /// <summary>The bytes a string may hold and still be copied as is: those the canonical writer spells as themselves.</summary>
    private static readonly byte[] VerbatimBytes = FindVerbatimBytes();

    private static readonly SearchValues<byte> VerbatimStringBytes = SearchValues.Create(VerbatimBytes);

    private static readonly bool[] VerbatimStringByteTable = ToTable(VerbatimBytes);

    private readonly ReadOnlySpan<byte> _json;
    private int _position;
    private byte[] _output;
    private int _written;
    private int _pending;
    private int _divergences;
    private Member[] _members;
    private int _memberCount;
    private byte[]? _scratch;

    private PlainJsonCanonicalizer(ReadOnlySpan<byte> json)
    {
        _json = json;
        _output = ArrayPool<byte>.Shared.Rent(json.Length + Slack);
        _members = ArrayPool<Member>.Shared.Rent(64);
    }

    /// <summary>What a canonicalization found.</summary>
    internal enum Outcome
    {
        /// <summary>The key was written.</summary>
        Hashed,

        /// <summary>The root is an empty object or array: no key.</summary>
        Empty,

        /// <summary>Outside the plain subset (or not JSON): take the document path.</summary>
        Unsupported,
    }

    /// <summary>Canonicalizes UTF-16 JSON text whose root is an object or array and hashes it into a key.</summary>
    public static Outcome TryHash(string json, string prefix, IdempotencyHashAlgorithm algorithm, out string key)
    {
        key = string.Empty;
        var utf8 = ArrayPool<byte>.Shared.Rent(json.Length);
        try
        {
            // Narrowing is the whole transcoding for ASCII, and anything else is outside the subset anyway.
            return Ascii.FromUtf16(json, utf8, out var length) == OperationStatus.Done
                ? TryHash(utf8.AsSpan(0, length), prefix, algorithm, out key)
                : Outcome.Unsupported;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    /// <summary>Canonicalizes UTF-8 JSON whose root is an object or array and hashes it into a key.</summary>
    public static Outcome TryHash(ReadOnlySpan<byte> json, string prefix, IdempotencyHashAlgorithm algorithm, out string key)
    {
        key = string.Empty;
        var canonicalizer = new PlainJsonCanonicalizer(json);
        try
        {
            var outcome = canonicalizer.Run();
            if (outcome == Outcome.Hashed)
            {
                key = IdempotencyHasher.HashWithPrefix(prefix, canonicalizer._output.AsSpan(0, canonicalizer._written), algorithm);
            }

            return outcome;
        }
        finally
        {
            canonicalizer.Release();
        }
    }

    /// <summary>Canonicalizes UTF-8 JSON into text; for tests that compare it with the document path.</summary>
    internal static Outcome TryWrite(ReadOnlySpan<byte> json, out string canonical)
    {
        canonical = string.Empty;
        var canonicalizer = new PlainJsonCanonicalizer(json);
        try
        {
            var outcome = canonicalizer.Run();
            if (outcome == Outcome.Hashed)
            {
                canonical = Encoding.UTF8.GetString(canonicalizer._output.AsSpan(0, canonicalizer._written));
            }

            return outcome;
        }
        finally
        {
            canonicalizer.Release();
        }
    }

    private Outcome Run()
    {
        SkipWhitespace();
        if (_position >= _json.Length || (_json[_position] != (byte)'{' && _json[_position] != (byte)'['))
        {
            return Outcome.Unsupported;
        }

        if (!Value(0))
        {
            return Outcome.Unsupported;
        }

        SkipWhitespace();
        if (_position != _json.Length)
        {
            return Outcome.Unsupported;
        }

        Flush();

        // "{}" or "[]": the whole payload's "no key".
        return _written == 2 ? Outcome.Empty : Outcome.Hashed;
    }

    private bool Value(int depth)
    {
        SkipWhitespace();
        if (_position >= _json.Length)
        {
            return false;
        }

        return _json[_position] switch
        {
            (byte)'{' => Object(depth + 1),
            (byte)'[' => Array(depth + 1),
            (byte)'"' => String(name: false),
            (byte)'t' => Literal("true"u8),
            (byte)'f' => Literal("false"u8),
            (byte)'n' => Literal("null"u8),
            _ => Number(),
        };
    }

    private bool Object(int depth)
    {
        if (depth > MaxDepth)
        {
            return false;
        }

        _position++;
        SkipWhitespace();
        if (Peek() == (byte)'}')
        {
            _position++;
            return true;
        }

        var first = _memberCount;
        var sorted = true;
        var divergencesAtStart = 0;
        while (true)
        {
            SkipWhitespace();
            if (Peek() != (byte)'"')
            {
                return false;
            }

            if (_memberCount == first)
            {
                divergencesAtStart = _divergences;
            }

            var start = Logical;
            var nameAt = _position + 1;
            if (!String(name: true))
            {
                return false;
            }

            var nameLength = _position - 1 - nameAt;
            SkipWhitespace();
            if (Peek() != (byte)':')
            {
                return false;
            }

            _position++;
            if (!Value(depth))
            {
                return false;
            }

            if (_memberCount > first)
            {
                var order = CompareNames(Name(_members[_memberCount - 1]), _json.Slice(nameAt, nameLength));
                if (order == 0)
                {
                    return false;
                }

                sorted &= order < 0;
            }

            Push(new Member(start, Logical, nameAt, nameLength));
            SkipWhitespace();
            var next = Peek();
            if (next == (byte)',')
            {
                _position++;
                continue;
            }

            if (next != (byte)'}')
            {
                return false;
            }

            break;
        }

        // Rearranged before the closing brace is taken, so the region ends where the last member does.
        if (!sorted && !Rearrange(first, clean: _divergences == divergencesAtStart))
        {
            return false;
        }

        _memberCount = first;
        _position++;
        return true;
    }

    private bool Array(int depth)
    {
        if (depth > MaxDepth)
        {
            return false;
        }

        _position++;
        SkipWhitespace();
        if (Peek() == (byte)']')
        {
            _position++;
            return true;
        }

        while (true)
        {
            if (!Value(depth))
            {
                return false;
            }

            SkipWhitespace();
            var next = Peek();
            _position++;
            if (next == (byte)',')
            {
                continue;
            }

            return next == (byte)']';
        }
    }

    // Names are ASCII here, so byte order is the canonical ordinal UTF-16 order.
    private bool Rearrange(int first, bool clean)
    {
        // Arrival order: the first member starts the region, the last one ends it.
        var regionStart = _members[first].Start;
        var regionEnd = _members[_memberCount - 1].End;
        var members = _members.AsSpan(first, _memberCount - first);
        Sort(members);
        for (var i = 1; i < members.Length; i++)
        {
            // A repeated name: the document path decides which copy wins.
            if (members[i - 1].NameLength == members[i].NameLength && CompareNames(Name(members[i - 1]), Name(members[i])) == 0)
            {
                return false;
            }
        }

        _divergences++;
        ReadOnlySpan<byte> source;
        int sourceStart;
        if (clean)
        {
            // Nothing inside was skipped or rewritten, so the members are still byte for byte in the input, which is
            // where they are copied from: the region itself is never copied out first.
            var delta = Logical - _position;
            Flush(upTo: regionStart - delta);
            source = _json;
            sourceStart = regionStart - delta;
            _pending = regionEnd - delta;
        }
        else
        {
            Flush();
            var region = _output.AsSpan(regionStart, regionEnd - regionStart);
            if (_scratch is null || _scratch.Length < region.Length)
            {
                if (_scratch is not null)
                {
                    ArrayPool<byte>.Shared.Return(_scratch);
                }

                _scratch = ArrayPool<byte>.Shared.Rent(Math.Max(region.Length, 256));
            }

            region.CopyTo(_scratch);
            source = _scratch;
            sourceStart = 0;
            _written = regionStart;
        }

        var offset = sourceStart - regionStart;
        for (var i = 0; i < members.Length; i++)
        {
            if (i > 0)
            {
                _output[_written++] = (byte)',';
            }

            var text = source.Slice(members[i].Start + offset, members[i].End - members[i].Start);
            text.CopyTo(_output.AsSpan(_written));
            _written += text.Length;
        }

        return _written == regionEnd;
    }

    // A Shell sort with Knuth's gaps (plain insertion for the usual handful of members): no comparer object, names
    // read straight from the input span, and no quadratic worst case for a wide object.
    private readonly void Sort(Span<Member> members)
    {
        var gap = 1;
        while (gap < members.Length / 3)
        {
            gap = (3 * gap) + 1;
        }

        for (; gap >= 1; gap /= 3)
        {
            for (var i = gap; i < members.Length; i++)
            {
                var member = members[i];
                var name = Name(member);
                var j = i;
                while (j >= gap && CompareNames(Name(members[j - gap]), name) > 0)
                {
                    members[j] = members[j - gap];
                    j -= gap;
                }

                members[j] = member;
            }
        }
    }

    // A name must be verbatim (members are sorted by their input bytes); a value may also hold bytes the canonical
    // writer spells otherwise, which EscapedString rewrites.
    private bool String(bool name)
    {
        var content = _json[(_position + 1)..];
        var verbatim = VerbatimStringByteTable;
        var end = 0;

        // Most strings are a few bytes long: a table lookup per byte beats a vectorized search's setup.
        var scalarEnd = Math.Min(content.Length, 16);
        while (end < scalarEnd && verbatim[content[end]])
        {
            end++;
        }

        if (end == 16)
        {
            var rest = content[16..].IndexOfAnyExcept(VerbatimStringBytes);
            end = rest < 0 ? -1 : 16 + rest;
        }

        if (end < 0 || end >= content.Length)
        {
            return false;
        }

        if (content[end] == (byte)'"')
        {
            _position += end + 2;
            return true;
        }

        return !name && EscapedString(_position + 1 + end);
    }

    /// <summary>
    /// The rest of a value string from <paramref name="at"/>, a byte that is not copied as is: an escape in the input
    /// (<c>\n</c>, <c>\"</c>, <c>\u0041</c>), or an ASCII character the canonical writer escapes (<c>'</c>, <c>&amp;</c>,
    /// <c>+</c>, <c>&lt;</c>). Each is replaced by the writer's own spelling of the character; an escape of a non-ASCII
    /// character, a raw non-ASCII byte or a raw control character declines.
    /// </summary>
    private bool EscapedString(int at)
    {
        var json = _json;
        var verbatim = VerbatimStringByteTable;
        var i = at;
        while (i < json.Length)
        {
            var b = json[i];
            if (b == (byte)'"')
            {
                _position = i + 1;
                return true;
            }

            int character;
            int length;
            if (b == (byte)'\\')
            {
                if (!TryReadEscape(json, i, out character, out length))
                {
                    return false;
                }
            }
            else if (b is >= 0x20 and < 0x80)
            {
                character = b;
                length = 1;
            }
            else
            {
                return false;
            }

            var spelling = WriterSpellings[character];
            _divergences++;
            Flush(upTo: i);
            EnsureCapacity(spelling.Length + json.Length - i + Slack);
            spelling.CopyTo(_output.AsSpan(_written));
            _written += spelling.Length;
            i += length;
            _pending = i;
            while (i < json.Length && verbatim[json[i]])
            {
                i++;
            }
        }

        return false;
    }

    // An escape at json[at] (a backslash) standing for an ASCII character; false for anything else.
    private static bool TryReadEscape(ReadOnlySpan<byte> json, int at, out int character, out int length)
    {
        length = 2;
        character = At(json, at + 1) switch
        {
            (byte)'"' => '"',
            (byte)'\\' => '\\',
            (byte)'/' => '/',
            (byte)'b' => '\b',
            (byte)'f' => '\f',
            (byte)'n' => '\n',
            (byte)'r' => '\r',
            (byte)'t' => '\t',
            (byte)'u' => -1,
            _ => -2,
        };
        if (character >= 0)
        {
            return true;
        }

        if (character == -2 || at + 6 > json.Length)
        {
            return false;
        }

        character = 0;
        for (var k = at + 2; k < at + 6; k++)
        {
            var digit = HexValue(json[k]);
            if (digit < 0)
            {
                return false;
            }

            character = (character << 4) | digit;
        }

        length = 6;
        return character < 0x80;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private bool Literal(ReadOnlySpan<byte> literal)
    {
        if (!_json[_position..].StartsWith(literal))
        {
            return false;
        }

        _position += literal.Length;
        return true;
    }

    // JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, deciding on the way whether the text is
    // already canonical (as CanonicalNumber.IsCanonical would): no exponent, at most 21 integer digits, no "-0", no
    // trailing zero in the fraction, and at most 5 zeros after "0.".
    private bool Number()
    {
        // Locals, not fields: the digit loops stay in registers.
        var json = _json;
        var start = _position;
        var i = start;
        var negative = At(json, i) == (byte)'-';
        if (negative)
        {
            i++;
        }

        var integerStart = i;
        var leading = At(json, i);
        if (leading == (byte)'0')
        {
            i++;
        }
        else if (IsDigit(leading))
        {
            i = SkipDigits(json, i + 1);
        }
        else
        {
            return false;
        }

        var integerIsZero = leading == (byte)'0';
        var canonical = i - integerStart <= CanonicalNumber.MaxPlainIntegerDigits;
        if (At(json, i) == (byte)'.')
        {
            var fractionStart = ++i;
            if (!IsDigit(At(json, i)))
            {
                return false;
            }

            i = SkipDigits(json, i + 1);
            if (json[i - 1] == (byte)'0')
            {
                canonical = false;
            }
            else if (integerIsZero)
            {
                var zeros = 0;
                while (json[fractionStart + zeros] == (byte)'0')
                {
                    zeros++;
                }

                canonical &= zeros <= CanonicalNumber.MaxPlainLeadingZeros;
            }
        }
        else if (negative && integerIsZero)
        {
            canonical = false;
        }

        if ((At(json, i) | 0x20) == (byte)'e')
        {
            canonical = false;
            i++;
            if (At(json, i) is (byte)'+' or (byte)'-')
            {
                i++;
            }

            if (!IsDigit(At(json, i)))
            {
                return false;
            }

            i = SkipDigits(json, i + 1);
        }

        _position = i;
        if (canonical)
        {
            return true;
        }

        // Rare, and the only place the output can outgrow the input: keep room for the rest of the input.
        var text = CanonicalNumber.Canonicalize(json[start..i]);
        _divergences++;
        Flush(upTo: start);
        EnsureCapacity(text.Length + json.Length - i + Slack);
        _written += Encoding.ASCII.GetBytes(text, _output.AsSpan(_written));
        _pending = i;
        return true;
    }

    private static int SkipDigits(ReadOnlySpan<byte> json, int i)
    {
        while ((uint)i < (uint)json.Length && IsDigit(json[i]))
        {
            i++;
        }

        return i;
    }

    // 0 past the end: never a byte the grammar accepts there.
    private static byte At(ReadOnlySpan<byte> json, int i) => (uint)i < (uint)json.Length ? json[i] : (byte)0;

    private void SkipWhitespace()
    {
        // Compact JSON has none: one comparison decides, and only real whitespace breaks the run being copied.
        if (_position >= _json.Length || !IsWhitespace(_json[_position]))
        {
            return;
        }

        Flush();
        _divergences++;
        while (_position < _json.Length && IsWhitespace(_json[_position]))
        {
            _position++;
        }

        _pending = _position;
    }

    // 0 past the end: never a byte the grammar accepts there.
    private readonly byte Peek() => _position < _json.Length ? _json[_position] : (byte)0;

    /// <summary>The output's length once the pending run is copied: where the next byte read will land.</summary>
    private readonly int Logical => _written + _position - _pending;

    // Input that is already canonical is copied in runs, not token by token: a run ends only at whitespace, a
    // rewritten number or string character, or an object to rearrange. The buffer keeps Slack bytes beyond the rest of
    // the input (restored wherever a rewrite grows the output), so a run always fits.
    private void Flush() => Flush(_position);

    private void Flush(int upTo)
    {
        var run = _json[_pending..upTo];
        run.CopyTo(_output.AsSpan(_written));
        _written += run.Length;
        _pending = upTo;
    }

    private void EnsureCapacity(int count)
    {
        if (_output.Length - _written >= count)
        {
            return;
        }

        PooledArray.Grow(ref _output, _written, _written + count);
    }

    private void Push(Member member)
    {
        if (_memberCount == _members.Length)
        {
            PooledArray.Grow(ref _members, _memberCount, _memberCount + 1);
        }

        _members[_memberCount++] = member;
    }

    private readonly ReadOnlySpan<byte> Name(Member member) => _json.Slice(member.NameAt, member.NameLength);

    private void Release()
    {
        ArrayPool<byte>.Shared.Return(_output);
        ArrayPool<Member>.Shared.Return(_members);
        if (_scratch is not null)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
        }
    }

    // Names nearly always differ in their first byte.
    private static int CompareNames(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y) =>
        x.Length > 0 && y.Length > 0 && x[0] != y[0] ? x[0] - y[0] : x.SequenceCompareTo(y);

    private static bool IsWhitespace(byte b) => b <= (byte)' ' && b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t';

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static bool[] ToTable(byte[] bytes)
    {
        var table = new bool[256];
        foreach (var b in bytes)
        {
            table[b] = true;
        }

        return table;
    }

    // Asks the canonical writer itself, so the one-pass path and the document path cannot disagree.
    private static byte[][] FindWriterSpellings()
    {
        var spellings = new byte[0x80][];
        var buffer = new ArrayBufferWriter<byte>(16);
        for (var c = 0; c < 0x80; c++)
        {
            buffer.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStringValue([(char)c]);
            }

            // Between the quotes.
            spellings[c] = buffer.WrittenSpan[1..^1].ToArray();
        }

        return spellings;
    }

    // Control characters are invalid raw in JSON, so only printable ASCII can be verbatim; the quote and the backslash
    // are spelled otherwise by the writer, so they end a verbatim run too.
    private static byte[] FindVerbatimBytes()
    {
        var verbatim = new List<byte>();
        for (var c = 0x20; c < 0x7F; c++)
        {
            if (WriterSpellings[c] is [var only] && only == c)
            {
                verbatim.Add((byte)c);
            }
        }

        return [.. verbatim];
    }

    /// <summary>
    /// An object member: <c>"name":value</c> in the output from <see cref="Start"/> (the name's quote) to <see cref="End"/>;
    /// its name, read from the input (names are copied verbatim), at <see cref="NameAt"/>.
    /// </summary>
    private readonly record struct Member(int Start, int End, int NameAt, int NameLength);
}
