using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Records;

/// <summary>The one definition of each <see cref="IdempotencyRecordFilter"/>, for stores that filter in memory.</summary>
public static class IdempotencyRecordFilterExtensions
{
    /// <summary>True when <paramref name="record"/> matches <paramref name="filter"/> at <paramref name="now"/>.</summary>
    public static bool Matches(this IdempotencyRecordFilter filter, IdempotencyRecord record, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(record);
        return filter switch
        {
            IdempotencyRecordFilter.InProgress => record.Status == IdempotencyRecordStatus.InProgress && !record.IsExpired(now),
            IdempotencyRecordFilter.Stuck => record.IsLeaseExpired(now),
            IdempotencyRecordFilter.Expired => record.IsExpired(now),
            _ => true,
        };
    }
}
