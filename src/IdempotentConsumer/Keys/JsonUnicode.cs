namespace IdempotentConsumer.Keys;

/// <summary>Spots JSON <c>\uXXXX</c> escapes that encode a surrogate without its partner.</summary>
internal static class JsonUnicode
{
    public static bool HasLoneSurrogateEscape(string json)
    {
        var span = json.AsSpan();
        var index = span.IndexOf("\\u", StringComparison.Ordinal);
        while (index >= 0)
        {
            var escape = span[index..];
            if (IsPrecededByOddBackslashes(span, index) && TryReadEscape(escape, out var unit))
            {
                if (char.IsHighSurrogate(unit))
                {
                    if (!TryReadEscape(escape[6..], out var low) || !char.IsLowSurrogate(low))
                    {
                        return true;
                    }

                    index += 12;
                    var rest = span[index..].IndexOf("\\u", StringComparison.Ordinal);
                    index = rest < 0 ? -1 : index + rest;
                    continue;
                }

                if (char.IsLowSurrogate(unit))
                {
                    return true;
                }
            }

            var next = span[(index + 2)..].IndexOf("\\u", StringComparison.Ordinal);
            index = next < 0 ? -1 : index + 2 + next;
        }

        return false;
    }

    // "\\u0041" is an escaped backslash followed by the text "u0041", not an escape: count the backslashes before 'u'.
    private static bool IsPrecededByOddBackslashes(ReadOnlySpan<char> span, int backslashIndex)
    {
        var count = 1;
        for (var i = backslashIndex - 1; i >= 0 && span[i] == '\\'; i--)
        {
            count++;
        }

        return count % 2 == 1;
    }

    private static bool TryReadEscape(ReadOnlySpan<char> text, out char unit)
    {
        unit = default;
        if (text.Length < 6 || text[0] != '\\' || text[1] != 'u')
        {
            return false;
        }

        if (!ushort.TryParse(text.Slice(2, 4), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var value))
        {
            return false;
        }

        unit = (char)value;
        return true;
    }
}
