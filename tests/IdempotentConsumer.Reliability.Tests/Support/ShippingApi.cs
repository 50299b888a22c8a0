using System.Collections.Concurrent;

namespace IdempotentConsumer.Reliability.Tests.Support;

/// <summary>
/// A downstream shipping API that honours the idempotency key, as the guarantee requires: a second call with
/// the same key ships nothing. It also counts raw calls, so tests can see the duplicates it absorbed.
/// </summary>
public sealed class ShippingApi
{
    private readonly ConcurrentDictionary<string, string> _shipmentsByKey = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _shipmentsByOrder = new(StringComparer.Ordinal);
    private int _calls;

    /// <summary>Every call, deduplicated or not.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Orders shipped (distinct keys that shipped).</summary>
    public int Shipments => _shipmentsByKey.Count;

    /// <summary>How many times each order was physically shipped.</summary>
    public IReadOnlyDictionary<string, int> ShipmentsByOrder => _shipmentsByOrder;

    /// <summary>Ships the order unless this key already shipped; true when it shipped now.</summary>
    public ValueTask<bool> ShipAsync(string orderId, string idempotencyKey, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _calls);
        if (!_shipmentsByKey.TryAdd(idempotencyKey, orderId))
        {
            return ValueTask.FromResult(false);
        }

        _shipmentsByOrder.AddOrUpdate(orderId, 1, static (_, count) => count + 1);
        return ValueTask.FromResult(true);
    }
}
