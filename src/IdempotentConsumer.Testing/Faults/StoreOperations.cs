namespace IdempotentConsumer.Testing.Faults;

/// <summary>The store operations a fault rule applies to; combine them with <c>|</c>.</summary>
[Flags]
public enum StoreOperations
{
    /// <summary>No operation.</summary>
    None = 0,

    /// <summary><see cref="Stores.IIdempotencyStore.TryBeginAsync"/>.</summary>
    Begin = 1,

    /// <summary><see cref="Stores.IIdempotencyStore.CompleteAsync"/>.</summary>
    Complete = 2,

    /// <summary><see cref="Stores.IIdempotencyStore.ReleaseAsync"/>.</summary>
    Release = 4,

    /// <summary><see cref="Stores.IIdempotencyStore.ExtendLeaseAsync"/>.</summary>
    ExtendLease = 8,

    /// <summary><see cref="Stores.IIdempotencyStore.GetAsync"/>.</summary>
    Get = 16,

    /// <summary><see cref="Stores.IIdempotencyStore.GetManyAsync"/>.</summary>
    GetMany = 32,

    /// <summary>The operations that change a record.</summary>
    Writes = Begin | Complete | Release | ExtendLease,

    /// <summary>The operations that only read.</summary>
    Reads = Get | GetMany,

    /// <summary>Every operation.</summary>
    All = Writes | Reads,
}
