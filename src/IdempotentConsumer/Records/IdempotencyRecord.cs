namespace IdempotentConsumer.Records;

/// <summary>
/// One idempotency record as every store persists it. Immutable: a state change is a new record.
/// </summary>
public sealed record IdempotencyRecord
{
    /// <summary>The full idempotency key (prefix + hash), unique per logical message.</summary>
    public required string Key { get; init; }

    /// <summary>The stored status.</summary>
    public required IdempotencyRecordStatus Status { get; init; }

    /// <summary>When the record stops deduplicating (stored as epoch seconds; the TTL attribute).</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>When the in-progress lease lapses (stored as epoch milliseconds); null once completed.</summary>
    public DateTimeOffset? InProgressExpiresAt { get; init; }

    /// <summary>Hash of the validated part of the payload, when payload validation is configured.</summary>
    public string? PayloadHash { get; init; }

    /// <summary>The serialized handler response (JSON), present only on completed records.</summary>
    public string? ResponseData { get; init; }

    /// <summary>
    /// True on a completed record whose handler ran but whose response could not be stored (too large, or not
    /// serializable): duplicates are acknowledged without a replayed value, and never run the handler again.
    /// </summary>
    public bool ResponseNotStored { get; init; }

    /// <summary>
    /// The random token written by the attempt that created the record. Complete, release and lease
    /// extension are conditional on it, so an attempt whose lease lapsed cannot touch its successor's record.
    /// </summary>
    public string? OwnerToken { get; init; }

    /// <summary>True when the record no longer deduplicates at <paramref name="now"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => ExpiresAt <= now;

    /// <summary>True when the record is in progress and its lease has lapsed at <paramref name="now"/>.</summary>
    public bool IsLeaseExpired(DateTimeOffset now) =>
        Status == IdempotencyRecordStatus.InProgress && InProgressExpiresAt is { } lease && lease <= now;
}
