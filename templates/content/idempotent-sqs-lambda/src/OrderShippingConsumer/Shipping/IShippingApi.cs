namespace OrderShippingConsumer.Shipping;

/// <summary>The carrier. A call repeated with the same <c>Idempotency-Key</c> returns the first shipment instead of shipping again.</summary>
public interface IShippingApi
{
    /// <summary>Ships an order, sending <paramref name="idempotencyKey"/> as the <c>Idempotency-Key</c> header when there is one.</summary>
    Task<ShipmentReceipt> ShipAsync(ShipmentRequest request, string? idempotencyKey, CancellationToken cancellationToken);
}
