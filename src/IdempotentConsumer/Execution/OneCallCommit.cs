namespace IdempotentConsumer.Execution;

/// <summary>
/// What a one-call commit writes: the record COMPLETED (with the response) together with the handler's own writes, in
/// one conditional call that succeeds only where a begin would (no record, expired, or a lapsed lease). A null
/// <see cref="Key"/> commits the handler's writes alone (idempotency off, or no key and none required).
/// </summary>
internal sealed record OneCallCommit(
    string? Key,
    string OwnerToken,
    DateTimeOffset Now,
    DateTimeOffset ExpiresAt,
    string? ResponseData,
    string? PayloadHash,
    bool ResponseNotStored);
