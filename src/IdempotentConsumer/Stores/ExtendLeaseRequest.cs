namespace IdempotentConsumer.Stores;

/// <summary>What the owner of an in-progress record writes to extend its lease.</summary>
/// <param name="Key">The full idempotency key.</param>
/// <param name="OwnerToken">The token written at begin; the write is conditional on it.</param>
/// <param name="InProgressExpiresAt">The new end of the lease.</param>
/// <param name="ExpiresAt">
/// The record's new expiry: never earlier than <paramref name="InProgressExpiresAt"/>, so no cleanup path (TTL,
/// purge, sweep) and no expiry check can remove the record while its handler still runs. The lease computes it
/// as the later of the record's current expiry and the new lease end; stores keep the later of the two as well.
/// </param>
public readonly record struct ExtendLeaseRequest(
    string Key,
    string OwnerToken,
    DateTimeOffset InProgressExpiresAt,
    DateTimeOffset ExpiresAt);
