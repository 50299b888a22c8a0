using DevLab.JmesPath;
using DevLab.JmesPath.Functions;
using IdempotentConsumer.Exceptions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IdempotentConsumer.Keys;

internal sealed class JmesPathKeySource : IdempotencyKeySource
{
    private static readonly JmesPath Engine = CreateEngine();
    private readonly DevLab.JmesPath.Expressions.JmesPathExpression _expression;

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
    }

    public string Expression { get; }

    public override bool TryGetKeyMaterial(in IdempotencyPayload payload, out string material)
    {
        // A string payload is JSON text (an SQS body read as string), not a JSON string literal to select from.
        var json = payload.RawJson ?? (payload.Value as string) ?? payload.GetJson();
        var document = ParseJson(json, "the payload");

        JToken? selected;
        try
        {
            selected = _expression.Transform(document).AsJToken();
        }
        catch (JsonReaderException ex)
        {
            // powertools_json(...) met a field that is not JSON.
            throw new MessageDeserializationException($"The JMESPath expression '{Expression}' could not parse an embedded JSON field: {ex.Message}", ex);
        }

        switch (selected)
        {
            case null or { Type: JTokenType.Null or JTokenType.Undefined }:
                material = string.Empty;
                return false;
            case { Type: JTokenType.String }:
                // The common case (an order id): key by the text, as a typed selector returning it would.
                material = selected.Value<string>()!;
                return material.Length > 0;
            default:
                return CanonicalJson.TryCanonicalize(selected.ToString(Formatting.None), out material);
        }
    }

    /// <summary>
    /// Parses JSON for JMESPath. Dates stay strings (Newtonsoft would rewrite them in another offset, so two
    /// different key texts could become one), and escaped lone surrogates are refused (Newtonsoft would replace
    /// them with U+FFFD, so two different keys could share a record).
    /// </summary>
    internal static JToken ParseJson(string json, string what)
    {
        if (JsonUnicode.HasLoneSurrogateEscape(json))
        {
            throw new IdempotencyKeyInvalidException($"{what} contains an escaped lone surrogate (invalid Unicode), so no key can be selected from it without collisions.");
        }

        try
        {
            using var reader = new JsonTextReader(new StringReader(json))
            {
                DateParseHandling = DateParseHandling.None,
                FloatParseHandling = FloatParseHandling.Double,
            };
            var token = JToken.ReadFrom(reader);

            // ReadFrom stops after the first value; trailing content means the text is not one JSON document.
            if (reader.Read())
            {
                throw new JsonReaderException($"Additional text after the JSON value at position {reader.LinePosition}.");
            }

            return token;
        }
        catch (JsonReaderException ex)
        {
            throw new MessageDeserializationException($"{what} is not valid JSON, so a JMESPath expression cannot select a key from it: {ex.Message}", ex);
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
            return token.Type == JTokenType.String ? ParseJson(token.Value<string>()!, "A field given to powertools_json") : token;
        }
    }
}
