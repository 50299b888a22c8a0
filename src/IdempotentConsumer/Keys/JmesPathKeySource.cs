using DevLab.JmesPath;
using DevLab.JmesPath.Functions;
using IdempotentConsumer.Exceptions;
using Newtonsoft.Json.Linq;

namespace IdempotentConsumer.Keys;

internal sealed class JmesPathKeySource : IdempotencyKeySource
{
    private static readonly JmesPath Engine = CreateEngine();
    private readonly DevLab.JmesPath.Expressions.JmesPathExpression _expression;
    private readonly IReadOnlyList<string> _fieldNames;
    private readonly NativeJmesPath? _native;

    public JmesPathKeySource(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        Expression = expression;
        try
        {
            _expression = Engine.Parse(expression);
        }
        catch (Exception ex)
        {
            throw new IdempotencyConfigurationException($"The JMESPath expression '{expression}' does not parse: {ex.Message}", ex);
        }

        _fieldNames = JmesPathFieldNames.Of(expression);
        _native = NativeJmesPath.TryCompile(expression);
    }

    public string Expression { get; }

    public override bool TryGetKeyMaterial(in IdempotencyPayload payload, out string material)
    {
        if (_native is not null && _native.TryGetKeyMaterial(Json(payload), out var hasKey, out material))
        {
            return hasKey;
        }

        return TryGetKeyMaterialWithJmesPathNet(payload, out material);
    }

    /// <summary>The key material through JmesPath.Net: every expression the native subset does not answer, and the reference it is tested against.</summary>
    internal bool TryGetKeyMaterialWithJmesPathNet(in IdempotencyPayload payload, out string material)
    {
        var selected = Select(payload, out var document);

        if (selected is { Type: JTokenType.String })
        {
            // The common case (an order id): key by the text, as a typed selector returning it would.
            var text = selected.Value<string>()!;
            material = KeyText.Encode(text);
            return text.Length > 0;
        }

        if (selected is null || HasNull(selected))
        {
            // An unmatched name reads as null: make sure it is not a C# property name used where the JSON name differs.
            EnsureFieldNamesMatch(document);
        }

        if (selected is null or { Type: JTokenType.Null or JTokenType.Undefined })
        {
            material = string.Empty;
            return false;
        }

        return CanonicalJson.TryCanonicalize(JmesPathJson.Write(selected), out material);
    }

    internal override JToken? Select(in IdempotencyPayload payload) => Select(payload, out _);

    private JToken? Select(in IdempotencyPayload payload, out JToken document)
    {
        document = JmesPathJson.Parse(Json(payload), "The payload");
        try
        {
            return _expression.Transform(document).AsJToken();
        }
        catch (Newtonsoft.Json.JsonReaderException ex)
        {
            throw new MessageDeserializationException($"The JMESPath expression '{Expression}' could not read an embedded JSON field: {ex.Message}", ex);
        }
    }

    // A string payload is JSON text (an SQS body read as string), not a JSON string literal to select from.
    private static string Json(in IdempotencyPayload payload) => payload.RawJson ?? (payload.Value as string) ?? payload.GetJson();

    private static bool HasNull(JToken token) => token.Type switch
    {
        JTokenType.Null or JTokenType.Undefined => true,
        JTokenType.Array => token.Children().Any(HasNull),
        JTokenType.Object => ((JObject)token).Properties().Any(p => HasNull(p.Value)),
        _ => false,
    };

    /// <summary>
    /// Fails when the expression names a field the payload lacks but has under another case (<c>Id</c> for
    /// <c>id</c>): JMESPath is case-sensitive, so such a key would be missing on every message and the handler
    /// would run unguarded, or a composite key would silently lose a member.
    /// </summary>
    private void EnsureFieldNamesMatch(JToken document)
    {
        if (_fieldNames.Count == 0)
        {
            return;
        }

        var present = new HashSet<string>(StringComparer.Ordinal);
        CollectNames(document, present, depth: 0);
        foreach (var name in _fieldNames)
        {
            if (present.Contains(name))
            {
                continue;
            }

            var other = present.FirstOrDefault(candidate => string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase));
            if (other is not null)
            {
                throw new IdempotencyConfigurationException(
                    $"The JMESPath expression '{Expression}' names the field '{name}', but the payload's JSON calls it '{other}'. " +
                    "JMESPath field names are case-sensitive and match the JSON names (after the serializer's naming policy), not C# property names.");
            }
        }
    }

    private static void CollectNames(JToken token, HashSet<string> names, int depth)
    {
        if (depth > 64)
        {
            return;
        }

        switch (token)
        {
            case JObject obj:
                foreach (var property in obj.Properties())
                {
                    names.Add(property.Name);
                    CollectNames(property.Value, names, depth + 1);
                }

                break;
            case JArray array:
                foreach (var item in array)
                {
                    CollectNames(item, names, depth + 1);
                }

                break;
        }
    }

    private static JmesPath CreateEngine()
    {
        var engine = new JmesPath();
        engine.FunctionRepository.Register<PowertoolsJsonFunction>();
        return engine;
    }

    /// <summary><c>powertools_json(value)</c>: parses a string holding JSON, as Powertools' JMESPath does.</summary>
    private sealed class PowertoolsJsonFunction() : JmesPathFunction("powertools_json", 1)
    {
        public override JToken Execute(params JmesPathFunctionArgument[] args)
        {
            var token = args[0].Token;
            return token.Type == JTokenType.String ? JmesPathJson.Parse(token.Value<string>()!, "A field given to powertools_json") : token;
        }
    }
}
