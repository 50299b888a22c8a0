using IdempotentConsumer.StoreConformance;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.InMemory.Tests;

/// <summary>The in-memory store passes the same conformance suite as the durable stores.</summary>
public sealed class InMemoryStoreConformanceTests : IdempotencyStoreConformanceTests
{
    /// <inheritdoc />
    protected override ValueTask<IIdempotencyStore> CreateStoreAsync() =>
        ValueTask.FromResult<IIdempotencyStore>(new InMemoryIdempotencyStore());
}
