using System.Collections.Concurrent;

namespace IdempotentConsumer.Hosting.Tests.Support;

/// <summary>The side effects the test handler performed, shared by every host of a test (the "shipping API").</summary>
public sealed class ShippingLedger
{
    private int _active;
    private int _maxActive;
    private int _invocations;

    public ConcurrentDictionary<string, int> Shipments { get; } = new(StringComparer.Ordinal);

    /// <summary>"user:sequence" in the order handlers started, for order-per-group checks.</summary>
    public ConcurrentQueue<Order> Started { get; } = new();

    public ConcurrentQueue<Guid> Scopes { get; } = new();

    public ConcurrentQueue<string> Cancelled { get; } = new();

    /// <summary>Runs before the handler ships (after its delay); a test can block or crash here.</summary>
    public Func<Order, CancellationToken, Task>? BeforeShip { get; set; }

    public int MaxActive => Volatile.Read(ref _maxActive);

    public int Invocations => Volatile.Read(ref _invocations);

    public int TotalShipments => Shipments.Values.Sum();

    public int ShipmentsOf(string orderId) => Shipments.TryGetValue(orderId, out var count) ? count : 0;

    internal void Enter(Order order, Guid scope)
    {
        Interlocked.Increment(ref _invocations);
        Started.Enqueue(order);
        Scopes.Enqueue(scope);
        var active = Interlocked.Increment(ref _active);
        int max;
        while ((max = Volatile.Read(ref _maxActive)) < active && Interlocked.CompareExchange(ref _maxActive, active, max) != max)
        {
        }
    }

    internal void Exit() => Interlocked.Decrement(ref _active);

    internal void Ship(Order order) => Shipments.AddOrUpdate(order.OrderId, 1, static (_, n) => n + 1);
}
