using IdempotentConsumer.Records;

namespace IdempotentConsumer.Stores;

/// <summary>
/// Inspection and repair of a store by an operator (the <c>idempotency</c> tool), never by a consumer: listing
/// scans the whole table, and deletes are unconditional. Stores that support it implement it beside
/// <see cref="IIdempotencyStore"/>.
/// </summary>
public interface IIdempotencyStoreAdmin
{
    /// <summary>Reads one record with a consistent read; null when there is none.</summary>
    ValueTask<IdempotencyRecord?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Returns up to <paramref name="limit"/> records matching <paramref name="filter"/> at <paramref name="now"/>, ordered by key.</summary>
    ValueTask<IReadOnlyList<IdempotencyRecord>> ListAsync(IdempotencyRecordFilter filter, DateTimeOffset now, int limit, CancellationToken cancellationToken = default);

    /// <summary>Deletes a record whatever its state or owner. Returns false when there was none.</summary>
    ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes every record expired at <paramref name="now"/>, except an in-progress one whose lease is still live.
    /// Returns how many were deleted.
    /// </summary>
    ValueTask<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}
