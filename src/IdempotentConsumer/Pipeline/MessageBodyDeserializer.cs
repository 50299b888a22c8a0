using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using IdempotentConsumer.Exceptions;

namespace IdempotentConsumer.Pipeline;

/// <summary>
/// Turns a raw body into the handler's message type, or a typed error that fails only this message.
/// Binding is strict whatever the configured options say: a constructor parameter without a default must be
/// present, and a non-nullable reference member must not be null. Otherwise a body of the wrong shape
/// (<c>{"unexpected":true}</c>) would bind to nulls and the handler would run unguarded, with no key.
/// </summary>
/// <typeparam name="TMessage">The message type.</typeparam>
internal sealed class MessageBodyDeserializer<TMessage>(JsonTypeInfo<TMessage> typeInfo)
{
    private readonly JsonTypeInfo<TMessage> _typeInfo = Strict(typeInfo);

    public TMessage Deserialize(IncomingMessage incoming)
    {
        if (typeof(TMessage) == typeof(string))
        {
            return (TMessage)(object)incoming.Body;
        }

        if (string.IsNullOrWhiteSpace(incoming.Body))
        {
            throw new MessageDeserializationException($"Message {incoming.MessageId} has an empty body; expected JSON for {typeof(TMessage).Name}.");
        }

        TMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(incoming.Body, _typeInfo);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new MessageDeserializationException($"Message {incoming.MessageId} is not a valid {typeof(TMessage).Name}: {ex.Message}", ex);
        }

        return message ?? throw new MessageDeserializationException($"Message {incoming.MessageId} has a null body; expected a {typeof(TMessage).Name}.");
    }

    /// <summary>The same metadata (same resolver, so source-generated contexts keep working) under strict binding.</summary>
    private static JsonTypeInfo<TMessage> Strict(JsonTypeInfo<TMessage> typeInfo)
    {
        var options = typeInfo.Options;
        if (typeof(TMessage) == typeof(string) || (options.RespectRequiredConstructorParameters && options.RespectNullableAnnotations))
        {
            return typeInfo;
        }

        var strict = new JsonSerializerOptions(options)
        {
            RespectRequiredConstructorParameters = true,
            RespectNullableAnnotations = true,
        };
        try
        {
            if (strict.TryGetTypeInfo(typeof(TMessage), out var strictInfo) && strictInfo is JsonTypeInfo<TMessage> typed)
            {
                return typed;
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException)
        {
            throw NoStrictMetadata(ex);
        }

        throw NoStrictMetadata(null);
    }

    private static IdempotencyConfigurationException NoStrictMetadata(Exception? inner) =>
        new($"The serializer options' resolver gives no metadata for {typeof(TMessage).Name} under strict binding; supply the type through the options' TypeInfoResolver (a JsonSerializerContext works).", inner);
}
