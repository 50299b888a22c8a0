namespace IdempotentConsumer.Stores;

/// <summary>What an attempt asks a store to write when it tries to take a key.</summary>
/// <param name="Key">The full idempotency key.</param>
/// <param name="OwnerToken">A random token identifying this attempt.</param>
/// <param name="Now">The caller's current time; expiry conditions are evaluated against it.</param>
/// <param name="ExpiresAt">When the record stops deduplicating.</param>
/// <param name="InProgressExpiresAt">When this attempt's lease lapses.</param>
/// <param name="PayloadHash">The payload-validation hash, or null when validation is off.</param>
public readonly record struct BeginRequest(
    string Key,
    string OwnerToken,
    DateTimeOffset Now,
    DateTimeOffset ExpiresAt,
    DateTimeOffset InProgressExpiresAt,
    string? PayloadHash);
