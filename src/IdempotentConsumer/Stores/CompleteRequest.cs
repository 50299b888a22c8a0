namespace IdempotentConsumer.Stores;

/// <summary>What the owner of a key writes when its handler succeeded.</summary>
/// <param name="Key">The full idempotency key.</param>
/// <param name="OwnerToken">The token written at begin; the write is conditional on it.</param>
/// <param name="ExpiresAt">When the completed record stops deduplicating.</param>
/// <param name="ResponseData">The serialized response, or null when the handler has none.</param>
/// <param name="PayloadHash">The payload-validation hash, or null when validation is off.</param>
public readonly record struct CompleteRequest(
    string Key,
    string OwnerToken,
    DateTimeOffset ExpiresAt,
    string? ResponseData,
    string? PayloadHash);
