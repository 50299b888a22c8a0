using System.Collections.Concurrent;
using OrderShipping.Shipping;

namespace OrderShipping.Lambda.Tests;

/// <summary>
/// A carrier call that succeeds and then the function dies before it can record the order as done: the
/// first call for each listed order ships, then throws. The retry must not ship again.
/// </summary>
internal sealed class CrashAfterShippingApi(IShippingApi carrier, IEnumerable<string> crashingOrders) : IShippingApi
{
    private readonly ConcurrentDictionary<string, byte> _pending = new(crashingOrders.Select(id => KeyValuePair.Create(id, (byte)0)));

    public int Crashes { get; private set; }

    public async ValueTask<ShipmentReceipt> ShipAsync(ShipmentRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var receipt = await carrier.ShipAsync(request, idempotencyKey, cancellationToken);
        if (_pending.TryRemove(request.OrderId, out _))
        {
            Crashes++;
            // Not a transient error: the in-process retry leaves it alone, as it could not touch a dead function.
            throw new InvalidOperationException($"The function died after the carrier shipped {request.OrderId}.");
        }

        return receipt;
    }
}
