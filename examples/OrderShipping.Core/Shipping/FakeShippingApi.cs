using System.Collections.Concurrent;

namespace OrderShipping.Shipping;

/// <summary>
/// An in-process stand-in for the carrier: it records every call and every shipment, and honours the
/// <c>Idempotency-Key</c> header the way real carriers do (same key → the first shipment, nothing shipped).
/// Thread-safe. The demo and the tests read its log to prove each order shipped exactly once.
/// </summary>
public sealed class FakeShippingApi : IShippingApi
{
    private readonly object _gate = new();
    private readonly Dictionary<string, ShipmentReceipt> _byIdempotencyKey = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _shipmentsPerOrder = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ShippingCall> _calls = new();
    private readonly TimeSpan _latency;
    private readonly bool _honourIdempotencyKey;
    private int _shipmentSequence;
    private int _callCount;
    private int _keyHits;

    /// <summary>Creates the fake.</summary>
    /// <param name="latency">How long each call takes, as a network round trip would. Default: none.</param>
    /// <param name="honourIdempotencyKey">False makes it ignore the header (a carrier without idempotency). Default: true.</param>
    public FakeShippingApi(TimeSpan latency = default, bool honourIdempotencyKey = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latency, TimeSpan.Zero);
        _latency = latency;
        _honourIdempotencyKey = honourIdempotencyKey;
    }

    /// <summary>Every call received, in arrival order.</summary>
    public IReadOnlyCollection<ShippingCall> Calls => _calls;

    /// <summary>How many calls arrived.</summary>
    public int CallCount => Volatile.Read(ref _callCount);

    /// <summary>How many parcels actually left the warehouse.</summary>
    public int ShipmentCount => Volatile.Read(ref _shipmentSequence);

    /// <summary>How many calls were answered from an earlier call's <c>Idempotency-Key</c> without shipping.</summary>
    public int IdempotencyKeyHits => Volatile.Read(ref _keyHits);

    /// <summary>How many distinct orders have shipped at least once.</summary>
    public int ShippedOrderCount => _shipmentsPerOrder.Count;

    /// <summary>How many times <paramref name="orderId"/> shipped (0 when never).</summary>
    public int ShipmentsFor(string orderId) => _shipmentsPerOrder.TryGetValue(orderId, out var count) ? count : 0;

    /// <summary>A snapshot of shipments per order (orders never shipped are absent).</summary>
    public IReadOnlyDictionary<string, int> ShipmentsPerOrder() => new Dictionary<string, int>(_shipmentsPerOrder, StringComparer.Ordinal);

    /// <inheritdoc />
    public async ValueTask<ShipmentReceipt> ShipAsync(ShipmentRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_latency > TimeSpan.Zero)
        {
            await Task.Delay(_latency, cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _callCount);
        var useKey = _honourIdempotencyKey && !string.IsNullOrEmpty(idempotencyKey);
        ShipmentReceipt receipt;
        bool fromKey;

        // Check-and-ship under one lock: two concurrent calls with one key must not both ship.
        lock (_gate)
        {
            if (useKey && _byIdempotencyKey.TryGetValue(idempotencyKey!, out var earlier))
            {
                receipt = earlier;
                fromKey = true;
            }
            else
            {
                var sequence = ++_shipmentSequence;
                receipt = new ShipmentReceipt($"SHP-{sequence:D6}", request.OrderId, $"TRK{sequence:D9}");
                fromKey = false;
                if (useKey)
                {
                    _byIdempotencyKey[idempotencyKey!] = receipt;
                }
            }
        }

        if (fromKey)
        {
            Interlocked.Increment(ref _keyHits);
        }
        else
        {
            _shipmentsPerOrder.AddOrUpdate(request.OrderId, 1, static (_, count) => count + 1);
        }

        _calls.Enqueue(new ShippingCall(request.OrderId, idempotencyKey, receipt.ShipmentId, fromKey));
        return receipt;
    }
}
