namespace IdempotentConsumer.Stores;

/// <summary>Which records <see cref="IIdempotencyStoreAdmin.ListAsync"/> returns, judged at the caller's <c>now</c>.</summary>
public enum IdempotencyRecordFilter
{
    /// <summary>Every record, expired ones included.</summary>
    All = 0,

    /// <summary>Records in progress that have not expired, whether their lease is live or lapsed.</summary>
    InProgress = 1,

    /// <summary>
    /// Records in progress whose lease has lapsed without completion: the handler died or hung. The next delivery
    /// takes them over; until then they are the ones an operator looks at.
    /// </summary>
    Stuck = 2,

    /// <summary>Records that no longer deduplicate (their expiry has passed) but are still stored.</summary>
    Expired = 3,
}
