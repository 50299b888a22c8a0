namespace IdempotentConsumer.Keys;

/// <summary>
/// The payload a key source reads: the typed value, and the raw JSON it came from when the caller has it
/// (an SQS body, for instance), so JMESPath needs no re-serialization.
/// </summary>
/// <param name="Value">The typed payload.</param>
/// <param name="RawJson">The payload's JSON text, when available.</param>
/// <param name="SerializerOptions">
/// Options used to serialize <paramref name="Value"/> when <paramref name="RawJson"/> is null, through the
/// <see cref="System.Text.Json.Serialization.Metadata.JsonTypeInfo"/> their resolver gives for its runtime type
/// (a source-generated resolver keeps this trim and AOT safe).
/// </param>
public readonly record struct IdempotencyPayload(object? Value, string? RawJson, System.Text.Json.JsonSerializerOptions SerializerOptions)
{
    /// <summary>The payload as JSON text: the raw JSON if given, else <see cref="Value"/> serialized.</summary>
    public string GetJson() =>
        RawJson ?? (Value is null
            ? "null"
            : System.Text.Json.JsonSerializer.Serialize(Value, Serialization.IdempotencyJsonDefaults.GetTypeInfo(SerializerOptions, Value.GetType())));
}
