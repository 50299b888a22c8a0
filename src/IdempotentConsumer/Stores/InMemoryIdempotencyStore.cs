using System.Collections.Concurrent;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Records;

namespace IdempotentConsumer.Stores;

/// <summary>
/// A thread-safe store held in process memory, with the same conditional semantics as the durable
/// stores. For tests, single-process consumers and the demo; records do not survive a restart.
/// </summary>
public sealed class InMemoryIdempotencyStore : IIdempotencyStore
{
    private const int MinimumSweepInterval = 1024;

    private readonly ConcurrentDictionary<string, IdempotencyRecord> _records = new(StringComparer.Ordinal);
    private int _addsSinceSweep;
    private int _sweepInterval = MinimumSweepInterval;
    private int _sweeping;

    /// <summary>
    /// The number of records currently held. Expired records stay until overwritten or swept: a sweep runs
    /// after as many new keys as the store held at the previous sweep (at least 1024), so memory stays
    /// proportional to the live records at an amortized constant cost per write.
    /// </summary>
    public int Count => _records.Count;

    /// <inheritdoc />
    public ValueTask<BeginResult> TryBeginAsync(BeginRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IdempotencyRecord? candidate = null;
        while (true)
        {
            // Judge the current record first: a duplicate (the hot path) then allocates nothing.
            if (_records.TryGetValue(request.Key, out var existing))
            {
                var takeable = existing.IsExpired(request.Now) || existing.IsLeaseExpired(request.Now);
                if (!takeable)
                {
                    return ValueTask.FromResult(BeginResult.Lost(existing));
                }

                // Compare-and-swap against the exact record we judged, so two contenders cannot both take it over.
                if (_records.TryUpdate(request.Key, candidate ??= NewInProgress(request), existing))
                {
                    return ValueTask.FromResult(BeginResult.Won());
                }

                continue;
            }

            if (_records.TryAdd(request.Key, candidate ??= NewInProgress(request)))
            {
                if (Interlocked.Increment(ref _addsSinceSweep) >= Volatile.Read(ref _sweepInterval))
                {
                    SweepExpired(request.Now);
                }

                return ValueTask.FromResult(BeginResult.Won());
            }
        }
    }

    private static IdempotencyRecord NewInProgress(in BeginRequest request) => new()
    {
        Key = request.Key,
        Status = IdempotencyRecordStatus.InProgress,
        ExpiresAt = Later(request.ExpiresAt, request.InProgressExpiresAt),
        InProgressExpiresAt = request.InProgressExpiresAt,
        PayloadHash = request.PayloadHash,
        OwnerToken = request.OwnerToken,
    };

    /// <inheritdoc />
    public ValueTask CompleteAsync(CompleteRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var current = GetOwned(request.Key, request.OwnerToken, "complete");
        var completed = current with
        {
            Status = IdempotencyRecordStatus.Completed,
            ExpiresAt = request.ExpiresAt,
            InProgressExpiresAt = null,
            ResponseData = request.ResponseNotStored ? null : request.ResponseData,
            ResponseNotStored = request.ResponseNotStored,
            PayloadHash = request.PayloadHash ?? current.PayloadHash,
        };
        if (!_records.TryUpdate(request.Key, completed, current))
        {
            throw StaleOwner(request.Key, "complete");
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var current = GetOwned(key, ownerToken, "release");
        if (!_records.TryRemove(new KeyValuePair<string, IdempotencyRecord>(key, current)))
        {
            throw StaleOwner(key, "release");
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask ExtendLeaseAsync(ExtendLeaseRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var current = GetOwned(request.Key, request.OwnerToken, "extend the lease of");
        var extended = current with
        {
            InProgressExpiresAt = request.InProgressExpiresAt,
            ExpiresAt = Later(current.ExpiresAt, Later(request.ExpiresAt, request.InProgressExpiresAt)),
        };
        if (current.Status != IdempotencyRecordStatus.InProgress || !_records.TryUpdate(request.Key, extended, current))
        {
            throw StaleOwner(request.Key, "extend the lease of");
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IdempotencyRecord?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_records.TryGetValue(key, out var record) ? record : null);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, IdempotencyRecord>> GetManyAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var found = new Dictionary<string, IdempotencyRecord>(keys.Count, StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (_records.TryGetValue(key, out var record))
            {
                found[key] = record;
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, IdempotencyRecord>>(found);
    }

    /// <summary>
    /// Removes every record that no longer deduplicates at <paramref name="now"/> (expired, whatever its status),
    /// except an in-progress record whose lease is still live: its handler may still be running.
    /// </summary>
    /// <returns>How many records were removed.</returns>
    public int RemoveExpired(DateTimeOffset now)
    {
        var removed = 0;
        foreach (var entry in _records)
        {
            // Removing the exact pair judged: a record replaced meanwhile by a new owner is left alone.
            if (IsRemovable(entry.Value, now) && _records.TryRemove(entry))
            {
                removed++;
            }
        }

        return removed;
    }

    private void SweepExpired(DateTimeOffset now)
    {
        if (Interlocked.CompareExchange(ref _sweeping, 1, 0) != 0)
        {
            return;
        }

        try
        {
            RemoveExpired(now);
            Volatile.Write(ref _sweepInterval, Math.Max(MinimumSweepInterval, _records.Count));
            Volatile.Write(ref _addsSinceSweep, 0);
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    // Begin and extension keep a live record's expiry at or after its lease end; this guards records written otherwise.
    private static bool IsRemovable(IdempotencyRecord record, DateTimeOffset now) =>
        record.IsExpired(now)
        && !(record.Status == IdempotencyRecordStatus.InProgress && record.InProgressExpiresAt is { } lease && lease > now);

    private static DateTimeOffset Later(DateTimeOffset first, DateTimeOffset second) => first >= second ? first : second;

    /// <summary>Removes every record (for tests).</summary>
    public void Clear() => _records.Clear();

    private IdempotencyRecord GetOwned(string key, string ownerToken, string operation)
    {
        if (_records.TryGetValue(key, out var current) && string.Equals(current.OwnerToken, ownerToken, StringComparison.Ordinal))
        {
            return current;
        }

        throw StaleOwner(key, operation);
    }

    private static IdempotencyStaleOwnerException StaleOwner(string key, string operation) =>
        new($"Cannot {operation} idempotency record '{key}': this attempt no longer owns it (its lease lapsed and another attempt took it over, or it was removed).");
}
