using IdempotentConsumer.Stores;

namespace IdempotentConsumer.StoreConformance.Sample;

/// <summary>
/// How a store author runs the suite: derive, hand over a fresh store, and every inherited fact runs against it.
/// </summary>
public sealed class LockedDictionaryStoreConformanceTests : IdempotencyStoreConformanceTests
{
    /// <inheritdoc />
    protected override ValueTask<IIdempotencyStore> CreateStoreAsync() =>
        ValueTask.FromResult<IIdempotencyStore>(new LockedDictionaryStore());
}
