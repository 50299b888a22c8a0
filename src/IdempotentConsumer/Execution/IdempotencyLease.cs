using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Execution;

/// <summary>
/// The in-progress lease this attempt holds on a key. Long-running consumers extend it while the handler
/// runs (the worker does so with each visibility extension). Each extension also carries the record's expiry
/// forward, so the record can never expire (or be removed by TTL, purge or sweep) while the lease is live.
/// </summary>
public sealed class IdempotencyLease
{
    private readonly IIdempotencyStore _store;
    private readonly TimeProvider _timeProvider;

    internal IdempotencyLease(IIdempotencyStore store, TimeProvider timeProvider, string key, string ownerToken, DateTimeOffset expiresAt, DateTimeOffset recordExpiresAt)
    {
        _store = store;
        _timeProvider = timeProvider;
        Key = key;
        OwnerToken = ownerToken;
        ExpiresAt = expiresAt;
        RecordExpiresAt = recordExpiresAt;
    }

    /// <summary>The full idempotency key.</summary>
    public string Key { get; }

    /// <summary>The owner token written when the record was taken.</summary>
    public string OwnerToken { get; }

    /// <summary>When the lease currently lapses.</summary>
    public DateTimeOffset ExpiresAt { get; private set; }

    /// <summary>When the in-progress record currently expires: never before <see cref="ExpiresAt"/>.</summary>
    public DateTimeOffset RecordExpiresAt { get; private set; }

    /// <summary>
    /// Moves the lease to now + <paramref name="duration"/>, and the record's expiry to at least that, if this
    /// attempt still owns the record.
    /// </summary>
    /// <exception cref="Exceptions.IdempotencyStaleOwnerException">The lease lapsed and another attempt took the record.</exception>
    /// <exception cref="Exceptions.IdempotencyPersistenceException">The store failed.</exception>
    public async ValueTask ExtendAsync(TimeSpan duration, CancellationToken cancellationToken = default)
    {
        if (duration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "A lease extension must be positive.");
        }

        var leaseEnd = _timeProvider.GetUtcNow() + duration;
        var recordExpiresAt = RecordExpiresAt >= leaseEnd ? RecordExpiresAt : leaseEnd;
        await StoreCalls.ExtendLeaseAsync(_store, new ExtendLeaseRequest(Key, OwnerToken, leaseEnd, recordExpiresAt), cancellationToken).ConfigureAwait(false);
        ExpiresAt = leaseEnd;
        RecordExpiresAt = recordExpiresAt;
    }
}
