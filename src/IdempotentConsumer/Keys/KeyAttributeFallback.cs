namespace IdempotentConsumer.Keys;

/// <summary>
/// What a consumer keyed by the producer's key attribute (<see cref="IdempotencyOptions.KeyAttribute"/>) does with a
/// message whose attribute is missing or forged.
/// </summary>
public enum KeyAttributeFallback
{
    /// <summary>Key the message by its body, with the configured key source (selector, JMESPath or whole body). Default.</summary>
    UseBodyKey = 0,

    /// <summary>
    /// Fail the message: <see cref="Exceptions.IdempotencyKeyMissingException"/> when the attribute is missing,
    /// <see cref="Exceptions.IdempotencyKeyInvalidException"/> when it is forged. Both are poison dispositions.
    /// </summary>
    Fail = 1,
}
