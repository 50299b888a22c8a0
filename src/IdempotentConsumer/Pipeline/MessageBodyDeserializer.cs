using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using IdempotentConsumer.Exceptions;

namespace IdempotentConsumer.Pipeline;

/// <summary>Turns a raw body into the handler's message type, or a typed error that fails only this message.</summary>
/// <typeparam name="TMessage">The message type.</typeparam>
internal sealed class MessageBodyDeserializer<TMessage>(JsonTypeInfo<TMessage> typeInfo)
{
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
            message = JsonSerializer.Deserialize(incoming.Body, typeInfo);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new MessageDeserializationException($"Message {incoming.MessageId} is not a valid {typeof(TMessage).Name}: {ex.Message}", ex);
        }

        return message ?? throw new MessageDeserializationException($"Message {incoming.MessageId} has a null body; expected a {typeof(TMessage).Name}.");
    }
}
