using DevLab.JmesPath;
using DevLab.JmesPath.Functions;
using Newtonsoft.Json.Linq;

namespace IdempotentConsumer.Keys;

internal sealed class JmesPathKeySource : IdempotencyKeySource
{
    private static readonly JmesPath Engine = CreateEngine();
    private readonly DevLab.JmesPath.Expressions.JmesPathExpression _expression;

    public JmesPathKeySource(string expression)
    {
        Expression = expression;
        try
        {
            _expression = Engine.Parse(expression);
        }
        catch (Exception ex)
        {
            throw new Exceptions.IdempotencyConfigurationException($"The JMESPath expression '{expression}' does not parse: {ex.Message}", ex);
        }
    }

    public string Expression { get; }

    public override bool TryGetKeyMaterial(in IdempotencyPayload payload, out string material)
    {
        var json = payload.GetJson();
        JToken document;
        try
        {
            document = JToken.Parse(json);
        }
        catch (Newtonsoft.Json.JsonReaderException ex)
        {
            throw new Exceptions.MessageDeserializationException($"The payload is not valid JSON, so the JMESPath expression '{Expression}' cannot select a key: {ex.Message}", ex);
        }

        var selected = _expression.Transform(document).AsJToken();
        if (selected is null || selected.Type == JTokenType.Null)
        {
            material = string.Empty;
            return false;
        }

        return CanonicalJson.TryCanonicalize(selected.ToString(Newtonsoft.Json.Formatting.None), out material);
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
            return token.Type == JTokenType.String ? JToken.Parse(token.Value<string>()!) : token;
        }
    }
}
