using IdempotentConsumer.Stores;
using Xunit.Abstractions;

namespace IdempotentConsumer.Reliability.Tests.Storm;

/// <summary>The storm suite on the in-memory store.</summary>
public sealed class InMemoryStormTests(ITestOutputHelper output) : StormSuite(output)
{
    /// <inheritdoc />
    protected override ValueTask<IIdempotencyStore> CreateStoreAsync() => ValueTask.FromResult<IIdempotencyStore>(new InMemoryIdempotencyStore());
}
