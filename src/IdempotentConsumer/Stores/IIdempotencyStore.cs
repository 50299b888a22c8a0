using IdempotentConsumer.Records;

namespace IdempotentConsumer.Stores;

/// <summary>
/// The persistence contract every store implements. All writes are conditional: only one contender can
/// begin a key, and only the owner that began it can complete, release or extend it.
/// </summary>
/// <remarks>
/// Stores report I/O failures as <see cref="Exceptions.IdempotencyPersistenceException"/> and ownership
/// violations as <see cref="Exceptions.IdempotencyStaleOwnerException"/>. They never decide expiry from
/// their own clock: the caller passes <c>now</c>, so every store agrees with the executor's TimeProvider.
/// </remarks>
public interface IIdempotencyStore
{
    /// <summary>
    /// Writes an IN_PROGRESS record if no record exists for the key, or the existing one is expired,
    /// or it is IN_PROGRESS with a lapsed lease. On loss, returns the existing record in the same call
    /// where the backend allows it (otherwise after one consistent read).
    /// </summary>
    /// <remarks>
    /// The written expiry is the later of <see cref="BeginRequest.ExpiresAt"/> and <see cref="BeginRequest.InProgressExpiresAt"/>:
    /// while a record is in progress its expiry never precedes its lease end. A begin whose own earlier write
    /// landed (the reply was lost and the call retried) loses to its own record: callers compare
    /// <see cref="IdempotencyRecord.OwnerToken"/> with theirs.
    /// </remarks>
    ValueTask<BeginResult> TryBeginAsync(BeginRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks the record COMPLETED with the response (or, with <see cref="CompleteRequest.ResponseNotStored"/>, with no
    /// response and the flag set), if the request's owner token still owns it.
    /// </summary>
    /// <exception cref="Exceptions.IdempotencyRecordTooLargeException">The response does not fit the store; nothing was written.</exception>
    /// <exception cref="Exceptions.IdempotencyStaleOwnerException">Another attempt owns the record, or it is gone.</exception>
    ValueTask CompleteAsync(CompleteRequest request, CancellationToken cancellationToken = default);

    /// <summary>Deletes the record so a retry can run, if <paramref name="key"/> is still owned by <paramref name="ownerToken"/>.</summary>
    /// <exception cref="Exceptions.IdempotencyStaleOwnerException">Another attempt owns the record, or it is gone.</exception>
    ValueTask ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves the in-progress lease to <see cref="ExtendLeaseRequest.InProgressExpiresAt"/> and the record's expiry to
    /// at least <see cref="ExtendLeaseRequest.ExpiresAt"/> (never below the new lease end), in one conditional write,
    /// if the request's owner token still owns the record and it is in progress.
    /// </summary>
    /// <exception cref="Exceptions.IdempotencyStaleOwnerException">Another attempt owns the record, it is gone, or it is completed.</exception>
    ValueTask ExtendLeaseAsync(ExtendLeaseRequest request, CancellationToken cancellationToken = default);

    /// <summary>Reads one record with a consistent read; null when there is none. Expired records are returned as stored.</summary>
    ValueTask<IdempotencyRecord?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Reads many records (batch pre-checks). Keys without a record are absent from the result.</summary>
    ValueTask<IReadOnlyDictionary<string, IdempotencyRecord>> GetManyAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default);
}
