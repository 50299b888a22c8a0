using System.Globalization;
using System.Text;
using Newtonsoft.Json.Linq;

namespace IdempotentConsumer.Keys;

/// <summary>
/// Writes a value as Powertools for AWS Lambda (TypeScript) hashes it: <c>JSON.stringify(deepSort(value))</c>.
/// deepSort orders object members by their lower-cased names (a stable sort); a JavaScript object then lists
/// integer-like names first in numeric order; numbers print as JavaScript prints a double.
/// </summary>
internal static class PowertoolsJson
{
    /// <summary>True when Powertools would find no key in the value: null, or an empty string, array or object.</summary>
    public static bool IsMissing(JToken? token) => token switch
    {
        null => true,
        { Type: JTokenType.Null or JTokenType.Undefined } => true,
        { Type: JTokenType.String } => token.Value<string>()!.Length == 0,
        JContainer container => !container.HasValues,
        _ => false,
    };

    public static string Stringify(JToken token)
    {
        var builder = new StringBuilder(128);
        Write(builder, token);
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, JToken token)
    {
        switch (token)
        {
            case JObject obj:
                builder.Append('{');
                var first = true;
                foreach (var property in Order(obj.Properties()))
                {
                    if (!first)
                    {
                        builder.Append(',');
                    }

                    first = false;
                    WriteString(builder, property.Name);
                    builder.Append(':');
                    Write(builder, property.Value);
                }

                builder.Append('}');
                break;
            case JArray array:
                builder.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(',');
                    }

                    Write(builder, array[i]);
                }

                builder.Append(']');
                break;
            case JValue value:
                WriteValue(builder, value);
                break;
            default:
                builder.Append("null");
                break;
        }
    }

    private static IEnumerable<JProperty> Order(IEnumerable<JProperty> properties)
    {
        // deepSort inserts in lower-cased name order; the JavaScript object then moves array-index names first.
        var sorted = properties.OrderBy(p => p.Name.ToLowerInvariant(), StringComparer.Ordinal).ToList();
        var indices = sorted.Where(p => IsArrayIndex(p.Name)).OrderBy(p => uint.Parse(p.Name, CultureInfo.InvariantCulture));
        return indices.Concat(sorted.Where(p => !IsArrayIndex(p.Name)));
    }

    private static bool IsArrayIndex(string name) =>
        name.Length > 0 && (name == "0" || name[0] != '0')
        && uint.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index != uint.MaxValue;

    private static void WriteValue(StringBuilder builder, JValue value)
    {
        switch (value.Value)
        {
            case null:
                builder.Append("null");
                break;
            case bool b:
                builder.Append(b ? "true" : "false");
                break;
            case string s:
                WriteString(builder, s);
                break;
            case IConvertible number and (long or int or double or decimal or float or ulong):
                builder.Append(JavaScriptNumber(number.ToDouble(CultureInfo.InvariantCulture)));
                break;
            case System.Numerics.BigInteger big:
                builder.Append(JavaScriptNumber((double)big));
                break;
            case var other:
                WriteString(builder, Convert.ToString(other, CultureInfo.InvariantCulture) ?? string.Empty);
                break;
        }
    }

    /// <summary>JSON.stringify's string quoting: short escapes, other controls and lone surrogates as lower-case \u.</summary>
    private static void WriteString(StringBuilder builder, string text)
    {
        builder.Append('"');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < 0x20 || IsLoneSurrogate(text, i))
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }

    private static bool IsLoneSurrogate(string text, int i)
    {
        var c = text[i];
        if (char.IsHighSurrogate(c))
        {
            return i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]);
        }

        return char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(text[i - 1]));
    }

    /// <summary>ECMAScript Number::toString(10) of a double (JSON.stringify writes non-finite numbers as null).</summary>
    internal static string JavaScriptNumber(double value)
    {
        if (!double.IsFinite(value))
        {
            return "null";
        }

        if (value == 0)
        {
            return "0";
        }

        if (value < 0)
        {
            return "-" + JavaScriptNumber(-value);
        }

        // Shortest round-trip digits and the decimal exponent n: value = 0.digits × 10^n.
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        var exponentAt = shortest.IndexOfAny(['E', 'e']);
        var mantissa = exponentAt < 0 ? shortest : shortest[..exponentAt];
        var exponent = exponentAt < 0 ? 0 : int.Parse(shortest[(exponentAt + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var integerDigits = point < 0 ? mantissa.Length : point;
        var digits = mantissa.Replace(".", string.Empty, StringComparison.Ordinal);
        var n = integerDigits + exponent;
        var leading = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        n -= leading;
        var k = digits.Length;

        if (k <= n && n <= 21)
        {
            return digits + new string('0', n - k);
        }

        if (0 < n && n <= 21)
        {
            return digits[..n] + "." + digits[n..];
        }

        if (-6 < n && n <= 0)
        {
            return "0." + new string('0', -n) + digits;
        }

        var e = n - 1;
        var sign = e < 0 ? "-" : "+";
        var mantissaText = k == 1 ? digits : digits[..1] + "." + digits[1..];
        return mantissaText + "e" + sign + Math.Abs(e).ToString(CultureInfo.InvariantCulture);
    }
}
