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
    string? PayloadHash)
{
    /// <summary>
    /// True when the handler ran but its response could not be stored (too large, or not serializable): the record
    /// is completed with no response data and <see cref="Records.IdempotencyRecord.ResponseNotStored"/> set, so
    /// duplicates are acknowledged instead of running the handler again.
    /// </summary>
    public bool ResponseNotStored { get; init; }
}
