using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Reliability.Tests.BadInput;

/// <summary>Bad input through the pipeline on the in-memory store.</summary>
public sealed class InMemoryBadInputTests : BadInputSuite
{
    /// <inheritdoc />
    protected override Task<IIdempotencyStore> CreateStoreAsync() => Task.FromResult<IIdempotencyStore>(new InMemoryIdempotencyStore());
}
