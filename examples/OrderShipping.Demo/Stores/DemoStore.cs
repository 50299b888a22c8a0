using IdempotentConsumer.Stores;

namespace OrderShipping.Demo.Stores;

/// <summary>The run's idempotency store and how to clean up after it.</summary>
internal sealed class DemoStore(IIdempotencyStore store, string description, Func<ValueTask>? cleanup = null) : IAsyncDisposable
{
    public IIdempotencyStore Store { get; } = store;

    public string Description { get; } = description;

    public ValueTask DisposeAsync() => cleanup?.Invoke() ?? ValueTask.CompletedTask;
}
