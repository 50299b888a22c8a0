using System.Globalization;
using System.Text;

namespace IdempotentConsumer.Lambda.Logging;

/// <summary>
/// Fills a Lambda logging message template: <c>{0}</c> takes the argument at that index, a named placeholder
/// (<c>{OrderId}</c>, <c>{@Order}</c>) takes the next argument in order, as Lambda's runtime does. An
/// optional <c>:format</c> applies with the invariant culture; <c>{{</c> and <c>}}</c> are literal braces.
/// A placeholder without an argument stays as written: a log line never throws over its template.
/// </summary>
internal static class LambdaMessageTemplate
{
    public static string Format(string? template, object?[]? args)
    {
        if (string.IsNullOrEmpty(template))
        {
            return string.Empty;
        }

        if (args is null || args.Length == 0)
        {
            return template;
        }

        var result = new StringBuilder(template.Length + (args.Length * 8));
        var nextNamed = 0;
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if ((c == '{' || c == '}') && i + 1 < template.Length && template[i + 1] == c)
            {
                result.Append(c);
                i++;
                continue;
            }

            var close = c == '{' ? template.IndexOf('}', i + 1) : -1;
            if (close < 0)
            {
                result.Append(c);
                continue;
            }

            var placeholder = template.AsSpan(i + 1, close - i - 1);
            var argument = ArgumentIndex(placeholder, ref nextNamed);
            if (argument < 0 || argument >= args.Length)
            {
                result.Append(template, i, close - i + 1);
            }
            else
            {
                result.Append(Render(args[argument], FormatOf(placeholder)));
            }

            i = close;
        }

        return result.ToString();
    }

    private static int ArgumentIndex(ReadOnlySpan<char> placeholder, ref int nextNamed)
    {
        var end = placeholder.IndexOfAny(',', ':');
        var name = (end < 0 ? placeholder : placeholder[..end]).TrimStart("@$").Trim();
        if (name.IsEmpty)
        {
            return -1;
        }

        return int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : nextNamed++;
    }

    private static string? FormatOf(ReadOnlySpan<char> placeholder)
    {
        var colon = placeholder.IndexOf(':');
        return colon < 0 ? null : placeholder[(colon + 1)..].ToString();
    }

    private static string Render(object? value, string? format) => value switch
    {
        null => "null",
        IFormattable formattable => formattable.ToString(format, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
