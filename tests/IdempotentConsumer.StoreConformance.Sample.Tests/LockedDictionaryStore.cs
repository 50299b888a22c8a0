using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.StoreConformance.Sample;

/// <summary>
/// A deliberately plain store, as a third party might write a first one: a dictionary behind one lock. Every
/// conditional write is a read-judge-write under the lock, which is what makes it atomic.
/// </summary>
public sealed class LockedDictionaryStore : IIdempotencyStore
{
    private readonly Dictionary<string, IdempotencyRecord> _records = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <inheritdoc />
    public ValueTask<BeginResult> TryBeginAsync(BeginRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            // A live record blocks: completed and unexpired, or in progress with its lease running.
            if (_records.TryGetValue(request.Key, out var existing)
                && !existing.IsExpired(request.Now)
                && !existing.IsLeaseExpired(request.Now))
            {
                return ValueTask.FromResult(BeginResult.Lost(existing));
            }

            _records[request.Key] = new IdempotencyRecord
            {
                Key = request.Key,
                Status = IdempotencyRecordStatus.InProgress,
                // While in progress the record must not expire before its lease does.
                ExpiresAt = Max(request.ExpiresAt, request.InProgressExpiresAt),
                InProgressExpiresAt = request.InProgressExpiresAt,
                PayloadHash = request.PayloadHash,
                OwnerToken = request.OwnerToken,
            };
            return ValueTask.FromResult(BeginResult.Won());
        }
    }

    /// <inheritdoc />
    public ValueTask CompleteAsync(CompleteRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var owned = Owned(request.Key, request.OwnerToken);
            _records[request.Key] = owned with
            {
                Status = IdempotencyRecordStatus.Completed,
                ExpiresAt = request.ExpiresAt,
                InProgressExpiresAt = null,
                ResponseData = request.ResponseNotStored ? null : request.ResponseData,
                ResponseNotStored = request.ResponseNotStored,
                PayloadHash = request.PayloadHash ?? owned.PayloadHash,
            };
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            Owned(key, ownerToken);
            _records.Remove(key);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask ExtendLeaseAsync(ExtendLeaseRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var owned = Owned(request.Key, request.OwnerToken);
            if (owned.Status != IdempotencyRecordStatus.InProgress)
            {
                throw new IdempotencyStaleOwnerException($"Record '{request.Key}' is completed: it has no lease to extend.");
            }

            _records[request.Key] = owned with
            {
                InProgressExpiresAt = request.InProgressExpiresAt,
                ExpiresAt = Max(owned.ExpiresAt, Max(request.ExpiresAt, request.InProgressExpiresAt)),
            };
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IdempotencyRecord?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_records.GetValueOrDefault(key));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, IdempotencyRecord>> GetManyAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var found = new Dictionary<string, IdempotencyRecord>(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var key in keys)
            {
                if (_records.TryGetValue(key, out var record))
                {
                    found[key] = record;
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, IdempotencyRecord>>(found);
    }

    // Called under the lock: the record exists and the token still owns it, or the caller is stale.
    private IdempotencyRecord Owned(string key, string ownerToken) =>
        _records.TryGetValue(key, out var record) && string.Equals(record.OwnerToken, ownerToken, StringComparison.Ordinal)
            ? record
            : throw new IdempotencyStaleOwnerException($"Record '{key}' is not owned by this attempt (taken over, released or expired away).");

    private static DateTimeOffset Max(DateTimeOffset first, DateTimeOffset second) => first >= second ? first : second;
}
