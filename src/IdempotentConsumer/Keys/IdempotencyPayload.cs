namespace IdempotentConsumer.Keys;

/// <summary>
/// The payload a key source reads: the typed value, and the raw JSON it came from when the caller has it
/// (an SQS body, for instance), so JMESPath needs no re-serialization.
/// </summary>
/// <param name="Value">The typed payload.</param>
/// <param name="RawJson">The payload's JSON text, when available.</param>
/// <param name="SerializerOptions">Options used to serialize <paramref name="Value"/> when <paramref name="RawJson"/> is null.</param>
public readonly record struct IdempotencyPayload(object? Value, string? RawJson, System.Text.Json.JsonSerializerOptions SerializerOptions)
{
    /// <summary>The payload as JSON text: the raw JSON if given, else <see cref="Value"/> serialized.</summary>
    public string GetJson() =>
        RawJson ?? System.Text.Json.JsonSerializer.Serialize(Value, Value?.GetType() ?? typeof(object), SerializerOptions);
}
