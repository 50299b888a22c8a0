using System.Text;

namespace IdempotentConsumer.Keys;

/// <summary>
/// The key material of a selected string. A string keys by its own text (an order id hashes as the id), unless
/// that text could also be the canonical JSON of a non-string value (<c>1</c>, <c>true</c>, <c>[1]</c>,
/// <c>{...}</c>) or starts with a quote: then it is written as a quoted JSON string. So the string <c>"1"</c>
/// and the number <c>1</c> never share a key, and ordinary ids keep their plain-text material.
/// </summary>
internal static class KeyText
{
    /// <summary>Returns the material for a selected string.</summary>
    public static string Encode(string text) => CouldBeJson(text) ? Quote(text) : text;

    // Every canonical non-string value starts with '{' or '[', or is true/false/null, or a JSON number.
    private static bool CouldBeJson(string text)
    {
        if (text.Length == 0)
        {
            return false;
        }

        return text[0] is '"' or '{' or '[' || text is "true" or "false" or "null" || IsJsonNumber(text);
    }

    private static bool IsJsonNumber(string text)
    {
        var i = 0;
        if (text[i] == '-' && ++i == text.Length)
        {
            return false;
        }

        if (!char.IsAsciiDigit(text[i]))
        {
            return false;
        }

        if (text[i++] != '0')
        {
            i = SkipDigits(text, i);
        }

        if (i < text.Length && text[i] == '.')
        {
            var start = ++i;
            i = SkipDigits(text, i);
            if (i == start)
            {
                return false;
            }
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '+' or '-')
            {
                i++;
            }

            var start = i;
            i = SkipDigits(text, i);
            if (i == start)
            {
                return false;
            }
        }

        return i == text.Length;
    }

    private static int SkipDigits(string text, int i)
    {
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        return i;
    }

    // A fixed escape (only '"' and '\'), so the material does not depend on an encoder's choices.
    private static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.Append('"').ToString();
    }
}
