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
    ValueTask<BeginResult> TryBeginAsync(BeginRequest request, CancellationToken cancellationToken = default);

    /// <summary>Marks the record COMPLETED with the response, if the request's owner token still owns it.</summary>
    /// <exception cref="Exceptions.IdempotencyStaleOwnerException">Another attempt owns the record, or it is gone.</exception>
    ValueTask CompleteAsync(CompleteRequest request, CancellationToken cancellationToken = default);

    /// <summary>Deletes the record so a retry can run, if <paramref name="key"/> is still owned by <paramref name="ownerToken"/>.</summary>
    /// <exception cref="Exceptions.IdempotencyStaleOwnerException">Another attempt owns the record, or it is gone.</exception>
    ValueTask ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken = default);

    /// <summary>Moves the in-progress lease to <paramref name="inProgressExpiresAt"/>, if still owned and in progress.</summary>
    /// <exception cref="Exceptions.IdempotencyStaleOwnerException">Another attempt owns the record, it is gone, or it is completed.</exception>
    ValueTask ExtendLeaseAsync(string key, string ownerToken, DateTimeOffset inProgressExpiresAt, CancellationToken cancellationToken = default);

    /// <summary>Reads one record with a consistent read; null when there is none. Expired records are returned as stored.</summary>
    ValueTask<IdempotencyRecord?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Reads many records (batch pre-checks). Keys without a record are absent from the result.</summary>
    ValueTask<IReadOnlyDictionary<string, IdempotencyRecord>> GetManyAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default);
}
