using System.Text;

namespace IdempotentConsumer.Keys;

/// <summary>
/// The field names a JMESPath expression reads (unquoted and quoted identifiers), found by scanning its text.
/// Function names, multi-select hash keys, variables, raw strings and literals are not field names.
/// </summary>
internal static class JmesPathFieldNames
{
    public static IReadOnlyList<string> Of(string expression)
    {
        var names = new List<string>();
        var i = 0;
        while (i < expression.Length)
        {
            var c = expression[i];
            switch (c)
            {
                case '\'' or '`':
                    i = SkipQuoted(expression, i, c);
                    break;
                case '"':
                    var end = SkipQuoted(expression, i, '"');
                    if (!IsFollowedBy(expression, end, ':') && TryUnescape(expression.AsSpan(i + 1, Math.Max(0, end - i - 2)), out var quoted))
                    {
                        names.Add(quoted);
                    }

                    i = end;
                    break;
                case '$':
                    // A variable ($name) or the root node ($).
                    i = SkipIdentifier(expression, i + 1);
                    break;
                case var _ when char.IsAsciiLetter(c) || c == '_':
                    var stop = SkipIdentifier(expression, i);
                    if (!IsFollowedBy(expression, stop, '(') && !IsFollowedBy(expression, stop, ':'))
                    {
                        names.Add(expression[i..stop]);
                    }

                    i = stop;
                    break;
                default:
                    i++;
                    break;
            }
        }

        return names;
    }

    private static int SkipIdentifier(string text, int i)
    {
        while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
        {
            i++;
        }

        return i;
    }

    // Returns the index after the closing quote (or the end of the text).
    private static int SkipQuoted(string text, int i, char quote)
    {
        i++;
        while (i < text.Length && text[i] != quote)
        {
            i += text[i] == '\\' ? 2 : 1;
        }

        return Math.Min(i + 1, text.Length);
    }

    private static bool IsFollowedBy(string text, int i, char c)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i < text.Length && text[i] == c;
    }

    private static bool TryUnescape(ReadOnlySpan<char> body, out string name)
    {
        try
        {
            var reader = new System.Text.Json.Utf8JsonReader(Encoding.UTF8.GetBytes("\"" + body.ToString() + "\""));
            reader.Read();
            name = reader.GetString() ?? string.Empty;
            return true;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException)
        {
            name = string.Empty;
            return false;
        }
    }
}
