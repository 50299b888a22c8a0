namespace OrderShipping.Shipping;

/// <summary>
/// The carrier's API. Like most payment and shipping APIs it accepts an <c>Idempotency-Key</c> header:
/// a second call with the same key returns the first call's shipment instead of shipping again.
/// </summary>
public interface IShippingApi
{
    /// <summary>Ships an order, or returns the shipment already made under <paramref name="idempotencyKey"/>.</summary>
    /// <param name="request">What to ship.</param>
    /// <param name="idempotencyKey">The <c>Idempotency-Key</c> header; null sends none (every call ships).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    ValueTask<ShipmentReceipt> ShipAsync(ShipmentRequest request, string? idempotencyKey, CancellationToken cancellationToken);
}
