using System.Text;
using System.Text.Json;

namespace IdempotentConsumer.Tests.Keys;

/// <summary>
/// Seeded random JSON text for equivalence properties: member names drawn from a small pool (so they repeat, and
/// paths like <c>a.b[0]</c> hit), out-of-order and duplicate members, escaped and non-ASCII names and strings,
/// numbers in every spelling of one value, deep nesting, empty containers, random whitespace, and string fields
/// named <c>s</c> that hold JSON for <c>powertools_json</c>.
/// </summary>
/// <param name="seed">The seed.</param>
/// <param name="plain">
/// Only printable ASCII that needs no escaping, names drawn from a larger pool (fewer repeats) and no JSON held in
/// strings: the shape <c>PlainJsonCanonicalizer</c> handles without the document path.
/// </param>
/// <param name="escapes">With <paramref name="plain"/>: string values also hold escapes of ASCII characters and the ASCII
/// characters the canonical writer escapes (<c>'</c>, <c>&amp;</c>, <c>+</c>, <c>&lt;</c>).</param>
internal sealed class RandomJson(int seed, bool plain = false, bool escapes = false)
{
    private static readonly string[] Names =
    [
        "a", "b", "c", "s", "A", "B", "_x", "id", "é", "日本", "a\\u0062", "\\u00e9", "", "z", "a b", "Id", "\\\"q", "😀", "ab",
    ];

    private static readonly string[] PlainNames =
    [
        "a", "b", "c", "s", "A", "B", "_x", "id", "z", "a b", "Id", "ab", "", "orderId", "userId", "sku", "qty", "price",
        "zip", "city", "items", "x1", "x2", "x10", "a-b", "a.b", "Z", "~", "0", "9", "aa", "aaa", "b_", "c c", "@", "[", "}",
    ];

    private static readonly string[] PlainStringPieces = ["x", "order-42", " ", "true", "1", "{}", "a:b", "~!@#$%^*()", "[1,2]", "/", "="];

    private static readonly string[] EscapedPlainStringPieces =
    [
        "x", "order-42", " ", "<&>'", "\\n", "\\\"", "\\\\", "\\u0041", "\\/", "\\u0001", "+`", "O'Brien", "\\t\\r\\b\\f",
        "\\u003c\\u003E", "\\u007f", "\\u0000",
    ];

    private static readonly string[] Numbers =
    [
        "0", "-0", "1", "1.0", "1e3", "1E+3", "1000", "-1.5e-7", "0.000001", "0.0000001", "123456789012345678901234567890",
        "1e400", "-1e-400", "0.10000000000000001", "0.1", "-0.0", "12.500", "2.5E2", "100000000000000000000", "1e21", "17",
    ];

    private static readonly string[] StringPieces =
    [
        "x", "order-42", "<&>'", "\\n", "\\\"", "\\\\", "\\u0041", "é", "😀", "\\/", "\\u0001", " ", "+`", "日本語", "\\u00e9", "true", "1",
    ];

    private readonly Random _random = new(seed);
    private readonly string[] _names = plain ? PlainNames : Names;
    private readonly string[] _stringPieces = plain ? (escapes ? EscapedPlainStringPieces : PlainStringPieces) : StringPieces;

    /// <summary>A document whose root is an object.</summary>
    public string Object(int maxDepth = 5)
    {
        var text = new StringBuilder();
        WriteObject(text, maxDepth);
        return text.ToString();
    }

    /// <summary>Any document: object, array or scalar.</summary>
    public string Any(int maxDepth = 5)
    {
        var text = new StringBuilder();
        WriteValue(text, maxDepth);
        return text.ToString();
    }

    /// <summary>
    /// An object with the names JMESPath tests select (<c>a</c>, <c>b</c>, <c>c</c>, <c>id</c>, <c>_x</c>, <c>s</c>) in
    /// random order, now and then repeated, among other names; values mostly scalars, else shaped objects or arrays.
    /// </summary>
    public string Shaped(int maxDepth = 3)
    {
        var text = new StringBuilder();
        WriteShaped(text, maxDepth);
        return text.ToString();
    }

    private void WriteShaped(StringBuilder text, int depth)
    {
        string[] selected = ["a", "b", "c", "id", "_x", "s"];
        var names = selected.Where(_ => _random.Next(6) > 0).Concat(Enumerable.Range(0, _random.Next(3)).Select(_ => _names[_random.Next(_names.Length)])).ToList();
        if (_random.Next(4) == 0 && names.Count > 0)
        {
            names.Add(names[_random.Next(names.Count)]);
        }

        text.Append('{');
        var first = true;
        foreach (var name in names.OrderBy(_ => _random.Next()))
        {
            text.Append(first ? "" : ",").Append('"').Append(name).Append("\":");
            first = false;
            Space(text);
            if (name == "s" && !plain && depth > 0 && _random.Next(3) > 0)
            {
                text.Append(JsonSerializer.Serialize(new RandomJson(_random.Next()).Shaped(depth - 1)));
                continue;
            }

            switch (depth <= 0 ? 0 : _random.Next(10))
            {
                case < 5:
                    WriteScalar(text);
                    break;
                case < 8:
                    WriteShaped(text, depth - 1);
                    break;
                default:
                    text.Append('[');
                    var count = 1 + _random.Next(4);
                    for (var i = 0; i < count; i++)
                    {
                        text.Append(i == 0 ? "" : ",");
                        if (_random.Next(2) == 0)
                        {
                            WriteShaped(text, depth - 1);
                        }
                        else
                        {
                            WriteScalar(text);
                        }
                    }

                    text.Append(']');
                    break;
            }
        }

        text.Append('}');
    }

    // Mostly strings, numbers and booleans: what a key selects; now and then null or an empty container.
    private void WriteScalar(StringBuilder text)
    {
        if (_random.Next(10) == 0)
        {
            WriteValue(text, 0);
        }
        else if (_random.Next(2) == 0)
        {
            WriteString(text);
        }
        else
        {
            text.Append(_random.Next(4) == 0 ? (_random.Next(2) == 0 ? "true" : "false") : Numbers[_random.Next(Numbers.Length)]);
        }
    }

    private void WriteValue(StringBuilder text, int depth)
    {
        Space(text);
        switch (_random.Next(depth <= 0 ? 4 : 7))
        {
            case 0:
                text.Append(Numbers[_random.Next(Numbers.Length)]);
                break;
            case 1:
                WriteString(text);
                break;
            case 2:
                text.Append(_random.Next(3) switch { 0 => "true", 1 => "false", _ => "null" });
                break;
            case 3:
                text.Append(_random.Next(2) == 0 ? "{}" : "[]");
                break;
            case 4:
            case 5:
                WriteObject(text, depth - 1);
                break;
            default:
                text.Append('[');
                var count = _random.Next(5);
                for (var i = 0; i < count; i++)
                {
                    text.Append(i == 0 ? "" : ",");
                    WriteValue(text, depth - 1);
                }

                Space(text);
                text.Append(']');
                break;
        }

        Space(text);
    }

    private void WriteObject(StringBuilder text, int depth)
    {
        text.Append('{');

        // Now and then more than 16 members, where the sort is no longer an insertion sort.
        var count = _random.Next(8) == 0 ? 18 + _random.Next(12) : _random.Next(6);
        for (var i = 0; i < count; i++)
        {
            Space(text);
            var name = _names[_random.Next(_names.Length)];
            text.Append(i == 0 ? "" : ",").Append('"').Append(name).Append("\":");
            if (name == "s" && !plain && _random.Next(2) == 0)
            {
                // JSON held in a string, for powertools_json.
                text.Append(JsonSerializer.Serialize(new RandomJson(_random.Next()).Any(2)));
            }
            else
            {
                WriteValue(text, depth);
            }
        }

        Space(text);
        text.Append('}');
    }

    private void WriteString(StringBuilder text)
    {
        text.Append('"');
        var pieces = _random.Next(4);
        for (var i = 0; i < pieces; i++)
        {
            text.Append(_stringPieces[_random.Next(_stringPieces.Length)]);
        }

        if (!plain && _random.Next(20) == 0)
        {
            // An escaped surrogate pair.
            text.Append("\\ud83d\\ude00");
        }

        text.Append('"');
    }

    private void Space(StringBuilder text)
    {
        if (_random.Next(6) == 0)
        {
            text.Append(_random.Next(2) == 0 ? " " : "\n\t");
        }
    }
}
