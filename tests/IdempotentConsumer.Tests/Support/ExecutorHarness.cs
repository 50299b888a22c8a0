using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.Time.Testing;

namespace IdempotentConsumer.Tests.Support;

/// <summary>An executor over the in-memory store with a fake clock, keyed by <see cref="Order.OrderId"/>, and a counting handler.</summary>
internal sealed class ExecutorHarness
{
    private int _handlerCalls;

    public ExecutorHarness(Action<IdempotencyOptions>? configure = null, IIdempotencyStore? store = null)
    {
        Options = new IdempotencyOptions
        {
            KeyPrefix = "orders-consumer",
            KeySource = IdempotencyKeySource.From<Order>(o => o.OrderId),
        };
        configure?.Invoke(Options);
        Store = store ?? InMemory;
        Executor = new IdempotencyExecutor(Store, Options, Time);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));

    public InMemoryIdempotencyStore InMemory { get; } = new();

    public IIdempotencyStore Store { get; }

    public IdempotencyOptions Options { get; }

    public IdempotencyExecutor Executor { get; }

    public int HandlerCalls => Volatile.Read(ref _handlerCalls);

    /// <summary>Ships the order: counts the call and returns a receipt naming the attempt.</summary>
    public ValueTask<ShipmentReceipt> Ship(Order order, CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref _handlerCalls);
        return ValueTask.FromResult(new ShipmentReceipt(order.OrderId, $"shp-{order.OrderId}-{attempt}", attempt));
    }

    public ValueTask<ShipmentReceipt> ExecuteAsync(Order order) => Executor.ExecuteAsync<Order, ShipmentReceipt>(order, Ship);

    public ValueTask<IdempotencyOutcome<ShipmentReceipt>> ExecuteWithOutcomeAsync(Order order, TimeSpan? lease = null) =>
        Executor.ExecuteAsync(
            new IdempotencyInvocation<Order>(order) { LeaseDuration = lease },
            this,
            static (call, ct) => call.State.Ship(call.Payload, ct));

    public string KeyOf(Order order) =>
        Executor.TryGetKey(new IdempotencyInvocation<Order>(order), out var key) ? key : throw new InvalidOperationException("no key");

    public static Order NewOrder(string? id = null, decimal amount = 10m) => new(id ?? $"o-{Guid.NewGuid():N}", "u-1", amount);
}
