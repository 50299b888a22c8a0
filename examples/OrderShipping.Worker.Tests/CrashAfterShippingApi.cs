using System.Collections.Concurrent;
using OrderShipping.Shipping;

namespace OrderShipping.Worker.Tests;

/// <summary>The first call for each listed order ships, then the handler dies before the record completes.</summary>
internal sealed class CrashAfterShippingApi(IShippingApi carrier, IEnumerable<string> crashingOrders) : IShippingApi
{
    private readonly ConcurrentDictionary<string, byte> _pending = new(crashingOrders.Select(id => KeyValuePair.Create(id, (byte)0)));
    private int _crashes;

    public int Crashes => Volatile.Read(ref _crashes);

    public async ValueTask<ShipmentReceipt> ShipAsync(ShipmentRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var receipt = await carrier.ShipAsync(request, idempotencyKey, cancellationToken);
        if (_pending.TryRemove(request.OrderId, out _))
        {
            Interlocked.Increment(ref _crashes);

            // Not transient: the in-process retry leaves it alone; the message goes back to the queue.
            throw new InvalidOperationException($"The worker died after the carrier shipped {request.OrderId}.");
        }

        return receipt;
    }
}
