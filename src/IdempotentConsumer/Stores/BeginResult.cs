using IdempotentConsumer.Records;

namespace IdempotentConsumer.Stores;

/// <summary>The outcome of <see cref="IIdempotencyStore.TryBeginAsync"/>.</summary>
public readonly struct BeginResult
{
    private BeginResult(bool acquired, IdempotencyRecord? existing)
    {
        Acquired = acquired;
        Existing = existing;
    }

    /// <summary>True when this attempt now owns the key.</summary>
    public bool Acquired { get; }

    /// <summary>
    /// The record that blocked this attempt, when it lost. Null after a loss means the record vanished
    /// between the failed write and the read (an inconsistent state the executor retries).
    /// </summary>
    public IdempotencyRecord? Existing { get; }

    /// <summary>This attempt owns the key.</summary>
    public static BeginResult Won() => new(true, null);

    /// <summary>Another attempt's record blocks this one.</summary>
    public static BeginResult Lost(IdempotencyRecord? existing) => new(false, existing);
}
