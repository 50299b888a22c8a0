using System.Buffers;
using System.Text;
using System.Text.Json;

namespace IdempotentConsumer.Keys;

/// <summary>
/// Evaluates the common JMESPath forms straight on the payload's UTF-8 with a <see cref="Utf8JsonReader"/>:
/// dotted fields (<c>a.b.c</c>), non-negative indexes (<c>a[0]</c>), <c>powertools_json(...)</c>, and a
/// multiselect list (<c>[a, b]</c>) or hash (<c>{x: a, y: b}</c>) of those. It answers only when the result is
/// plain (strings, numbers, booleans, no null) and the text is valid JSON; anything else (another expression, a
/// selected object or array, a null, invalid input) is left to JmesPath.Net, so the key material is always
/// exactly what JmesPath.Net's path gives. A repeated member name selects its last value, as that path does.
/// </summary>
internal sealed class NativeJmesPath
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = true };

    // Strict: a lone surrogate is for the JmesPath.Net path to refuse.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Step[][] _paths;

    // Multiselect hash keys in ordinal order, with the path index each one selects; null unless a hash.
    private readonly (string Key, int Path)[]? _hashKeys;
    private readonly bool _list;

    private NativeJmesPath(Step[][] paths, bool list, (string Key, int Path)[]? hashKeys)
    {
        _paths = paths;
        _list = list;
        _hashKeys = hashKeys;
    }

    /// <summary>Returns an evaluator when <paramref name="expression"/> is in the native subset, else null.</summary>
    public static NativeJmesPath? TryCompile(string expression) => Parser.Parse(expression);

    /// <summary>
    /// Computes the key material as JmesPath.Net's path would; false when this payload's result is not for the
    /// native path (then nothing is decided).
    /// </summary>
    public bool TryGetKeyMaterial(string json, out bool hasKey, out string material)
    {
        hasKey = false;
        material = string.Empty;
        byte[] utf8;
        int length;
        try
        {
            length = StrictUtf8.GetByteCount(json);
            utf8 = ArrayPool<byte>.Shared.Rent(length);
            length = StrictUtf8.GetBytes(json, utf8);
        }
        catch (EncoderFallbackException)
        {
            return false;
        }

        try
        {
            var values = new Selected[_paths.Length];
            for (var i = 0; i < _paths.Length; i++)
            {
                if (!Evaluate(utf8.AsSpan(0, length), _paths[i], out values[i]))
                {
                    return false;
                }
            }

            return Compose(values, out hasKey, out material);
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    private static bool Evaluate(ReadOnlySpan<byte> doc, ReadOnlySpan<Step> steps, out Selected selected)
    {
        selected = default;

        Validate(doc);
        var reader = new Utf8JsonReader(doc);
        reader.Read();

        for (var i = 0; i < steps.Length; i++)
        {
            var step = steps[i];
            int found;
            switch (step.Kind)
            {
                case StepKind.Field:
                    found = FindMember(ref reader, step.Name!);
                    break;
                case StepKind.Index:
                    found = FindItem(ref reader, step.Index);
                    break;
                default:
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        // powertools_json of a non-string is that value; of null it is null.
                        continue;
                    }

                    return EvaluateEmbedded(ref reader, steps[(i + 1)..], out selected);
            }

            if (found < 0)
            {
                return false;
            }

            doc = doc[found..];
            reader = new Utf8JsonReader(doc);
            reader.Read();
        }

        return Select(ref reader, out selected);
    }

    /// <summary>
    /// Reads the whole document as parsing it into tokens would, so invalid JSON and escaped lone surrogates
    /// (anywhere, selected or not) throw here and the payload goes to JmesPath.Net's path, which reports them.
    /// </summary>
    private static void Validate(ReadOnlySpan<byte> doc)
    {
        var reader = new Utf8JsonReader(doc);
        var any = false;
        while (reader.Read())
        {
            any = true;
            if (reader.ValueIsEscaped && (reader.ValueSpan.IndexOf("\\ud"u8) >= 0 || reader.ValueSpan.IndexOf("\\uD"u8) >= 0))
            {
                var rented = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
                try
                {
                    reader.CopyString(rented);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }

        if (!any)
        {
            throw new JsonException("The text holds no JSON value.");
        }
    }

    private static bool EvaluateEmbedded(ref Utf8JsonReader reader, ReadOnlySpan<Step> rest, out Selected selected)
    {
        var length = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            var written = reader.CopyString(rented);
            return Evaluate(rented.AsSpan(0, written), rest, out selected);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The offset of the last member named <paramref name="name"/>, or -1 (also when not an object).</summary>
    private static int FindMember(ref Utf8JsonReader reader, byte[] name)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return -1;
        }

        var found = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(name);
            reader.Read();
            if (match)
            {
                found = (int)reader.TokenStartIndex;
            }

            reader.Skip();
        }

        return found;
    }

    private static int FindItem(ref Utf8JsonReader reader, int index)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return -1;
        }

        var i = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (i++ == index)
            {
                return (int)reader.TokenStartIndex;
            }

            reader.Skip();
        }

        return -1;
    }

    private static bool Select(ref Utf8JsonReader reader, out Selected selected)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                selected = new Selected(JsonTokenType.String, reader.GetString()!);
                return true;
            case JsonTokenType.Number:
                var raw = reader.ValueSpan;
                selected = new Selected(JsonTokenType.Number, CanonicalNumber.Canonicalize(raw));
                return true;
            case JsonTokenType.True:
                selected = new Selected(JsonTokenType.True, "true");
                return true;
            case JsonTokenType.False:
                selected = new Selected(JsonTokenType.False, "false");
                return true;
            default:
                // Null (with the field-name check that goes with it), objects and arrays: JmesPath.Net's path.
                selected = default;
                return false;
        }
    }

    private bool Compose(Selected[] values, out bool hasKey, out string material)
    {
        if (!_list && _hashKeys is null)
        {
            var value = values[0];
            material = value.Kind == JsonTokenType.String ? KeyText.Encode(value.Text) : value.Text;
            hasKey = value.Text.Length > 0;
            return true;
        }

        // A list or hash is "no key" when every member is the empty string.
        if (values.All(v => v.Kind == JsonTokenType.String && v.Text.Length == 0))
        {
            hasKey = false;
            material = string.Empty;
            return true;
        }

        var buffer = new PooledByteBufferWriter(256);
        try
        {
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            {
                if (_hashKeys is { } keys)
                {
                    writer.WriteStartObject();
                    foreach (var (key, path) in keys)
                    {
                        writer.WritePropertyName(key);
                        Write(writer, values[path]);
                    }

                    writer.WriteEndObject();
                }
                else
                {
                    writer.WriteStartArray();
                    foreach (var value in values)
                    {
                        Write(writer, value);
                    }

                    writer.WriteEndArray();
                }
            }

            material = Encoding.UTF8.GetString(buffer.WrittenSpan);
            hasKey = true;
            return true;
        }
        finally
        {
            buffer.Dispose();
        }
    }

    private static void Write(Utf8JsonWriter writer, Selected value)
    {
        if (value.Kind == JsonTokenType.String)
        {
            writer.WriteStringValue(value.Text);
        }
        else
        {
            writer.WriteRawValue(value.Text, skipInputValidation: true);
        }
    }

    private enum StepKind
    {
        Field,
        Index,
        ParseJson,
    }

    /// <summary>A plain selected value: its token type and its material text (a number already canonical).</summary>
    private readonly record struct Selected(JsonTokenType Kind, string Text);

    private readonly record struct Step(StepKind Kind, byte[]? Name, int Index);

    /// <summary>Recognizes the native subset; anything else is not an error here, only "not native".</summary>
    private ref struct Parser(string text)
    {
        private const string PowertoolsJson = "powertools_json";
        private int _at;

        public static NativeJmesPath? Parse(string expression)
        {
            var parser = new Parser(expression);
            var result = parser.Expression();
            parser.SkipSpaces();
            return parser._at == expression.Length ? result : null;
        }

        private NativeJmesPath? Expression()
        {
            SkipSpaces();
            if (Peek() == '[')
            {
                _at++;
                var paths = new List<Step[]>();
                do
                {
                    SkipSpaces();
                    if (Path() is not { } path)
                    {
                        return null;
                    }

                    paths.Add(path);
                    SkipSpaces();
                }
                while (Take(','));

                return Take(']') ? new NativeJmesPath([.. paths], list: true, hashKeys: null) : null;
            }

            if (Peek() == '{')
            {
                _at++;
                var paths = new List<Step[]>();
                var keys = new List<(string Key, int Path)>();
                do
                {
                    SkipSpaces();
                    var key = Identifier();
                    SkipSpaces();
                    if (key is null || !Take(':') || keys.Exists(k => k.Key == key))
                    {
                        return null;
                    }

                    SkipSpaces();
                    if (Path() is not { } path)
                    {
                        return null;
                    }

                    keys.Add((key, paths.Count));
                    paths.Add(path);
                    SkipSpaces();
                }
                while (Take(','));

                if (!Take('}'))
                {
                    return null;
                }

                keys.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
                return new NativeJmesPath([.. paths], list: false, [.. keys]);
            }

            return Path() is { } single ? new NativeJmesPath([single], list: false, hashKeys: null) : null;
        }

        private Step[]? Path()
        {
            var steps = new List<Step>();
            if (text.AsSpan(_at).StartsWith(PowertoolsJson + "(", StringComparison.Ordinal))
            {
                _at += PowertoolsJson.Length + 1;
                SkipSpaces();
                if (Path() is not { } inner)
                {
                    return null;
                }

                SkipSpaces();
                if (!Take(')'))
                {
                    return null;
                }

                steps.AddRange(inner);
                steps.Add(new Step(StepKind.ParseJson, null, 0));
            }
            else if (Identifier() is { } first)
            {
                steps.Add(Field(first));
            }
            else
            {
                return null;
            }

            while (true)
            {
                if (Take('.'))
                {
                    if (Identifier() is not { } name)
                    {
                        return null;
                    }

                    steps.Add(Field(name));
                }
                else if (Peek() == '[' && _at + 1 < text.Length && char.IsAsciiDigit(text[_at + 1]))
                {
                    _at++;
                    var start = _at;
                    while (_at < text.Length && char.IsAsciiDigit(text[_at]))
                    {
                        _at++;
                    }

                    if (!int.TryParse(text.AsSpan(start, _at - start), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) || !Take(']'))
                    {
                        return null;
                    }

                    steps.Add(new Step(StepKind.Index, null, index));
                }
                else
                {
                    return [.. steps];
                }
            }
        }

        private static Step Field(string name) => new(StepKind.Field, Encoding.UTF8.GetBytes(name), 0);

        private string? Identifier()
        {
            var start = _at;
            if (_at < text.Length && (char.IsAsciiLetter(text[_at]) || text[_at] == '_'))
            {
                _at++;
                while (_at < text.Length && (char.IsAsciiLetterOrDigit(text[_at]) || text[_at] == '_'))
                {
                    _at++;
                }
            }

            return _at > start ? text[start.._at] : null;
        }

        private readonly char Peek() => _at < text.Length ? text[_at] : '\0';

        private bool Take(char c)
        {
            if (Peek() != c)
            {
                return false;
            }

            _at++;
            return true;
        }

        private void SkipSpaces()
        {
            while (_at < text.Length && text[_at] is ' ' or '\t' or '\n' or '\r')
            {
                _at++;
            }
        }
    }
}
