using System.Collections.Concurrent;

namespace IdempotentConsumer.Storm;

/// <summary>
/// The downstream shipping API of the demo: it honours the idempotency key (a second call with the same
/// key ships nothing) and counts physical shipments per order, so a broken key would show as a double.
/// </summary>
internal sealed class ShippingApi
{
    private readonly ConcurrentDictionary<string, byte> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _shipmentsByOrder = new(StringComparer.Ordinal);
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public IReadOnlyDictionary<string, int> ShipmentsByOrder => _shipmentsByOrder;

    public ValueTask<bool> ShipAsync(string orderId, string idempotencyKey, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _calls);
        if (!_keys.TryAdd(idempotencyKey, 0))
        {
            return ValueTask.FromResult(false);
        }

        _shipmentsByOrder.AddOrUpdate(orderId, 1, static (_, count) => count + 1);
        return ValueTask.FromResult(true);
    }
}

/// <summary>The order message.</summary>
internal sealed record Order(string OrderId, string UserId, string ProductId)
{
    public static Order Numbered(int index) => new($"order-{index:D6}", $"user-{index % 97}", $"product-{index % 13}");
}
