using System.Text.Json;
using IdempotentConsumer.Exceptions;

namespace IdempotentConsumer.Lambda.Envelopes;

/// <summary>Parsing shared by the envelopes: every shape error becomes a <see cref="MessageDeserializationException"/>.</summary>
internal static class EnvelopeJson
{
    public static JsonDocument ParseObject(string? body, string envelope, string? messageId)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            throw new MessageDeserializationException($"Message {messageId} has an empty body; expected a {envelope} envelope.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new MessageDeserializationException($"Message {messageId} is not JSON; expected a {envelope} envelope: {ex.Message}", ex);
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new MessageDeserializationException($"Message {messageId} is not a JSON object; expected a {envelope} envelope.");
        }

        return document;
    }

    public static string? GetString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static JsonElement? GetObject(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : null;
}
