using IdempotentConsumer.Stores;
using OrderShipping.Demo.Options;

namespace OrderShipping.Demo.Stores;

/// <summary>Builds the store the command line chose.</summary>
internal static class DemoStoreFactory
{
    public static Task<DemoStore> CreateAsync(DemoOptions options, CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        return options.Store switch
        {
            StoreKind.Memory => Task.FromResult(new DemoStore(new InMemoryIdempotencyStore(), "in-memory store")),
            _ => throw new NotSupportedException($"The {options.Store} store is not available in this build yet."),
        };
    }
}
