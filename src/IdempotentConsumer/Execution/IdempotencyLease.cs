using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Execution;

/// <summary>
/// The in-progress lease this attempt holds on a key. Long-running consumers extend it while the handler
/// runs (the worker does so with each visibility extension).
/// </summary>
public sealed class IdempotencyLease
{
    private readonly IIdempotencyStore _store;
    private readonly TimeProvider _timeProvider;

    internal IdempotencyLease(IIdempotencyStore store, TimeProvider timeProvider, string key, string ownerToken, DateTimeOffset expiresAt)
    {
        _store = store;
        _timeProvider = timeProvider;
        Key = key;
        OwnerToken = ownerToken;
        ExpiresAt = expiresAt;
    }

    /// <summary>The full idempotency key.</summary>
    public string Key { get; }

    /// <summary>The owner token written when the record was taken.</summary>
    public string OwnerToken { get; }

    /// <summary>When the lease currently lapses.</summary>
    public DateTimeOffset ExpiresAt { get; private set; }

    /// <summary>Moves the lease to now + <paramref name="duration"/>, if this attempt still owns the record.</summary>
    /// <exception cref="Exceptions.IdempotencyStaleOwnerException">The lease lapsed and another attempt took the record.</exception>
    /// <exception cref="Exceptions.IdempotencyPersistenceException">The store failed.</exception>
    public async ValueTask ExtendAsync(TimeSpan duration, CancellationToken cancellationToken = default)
    {
        if (duration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "A lease extension must be positive.");
        }

        var expiresAt = _timeProvider.GetUtcNow() + duration;
        await StoreCalls.ExtendLeaseAsync(_store, Key, OwnerToken, expiresAt, cancellationToken).ConfigureAwait(false);
        ExpiresAt = expiresAt;
    }
}
