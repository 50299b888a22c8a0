namespace OrderShipping.Shipping;

/// <summary>One call the fake shipping API received, as its access log would show it.</summary>
/// <param name="OrderId">The order in the request.</param>
/// <param name="IdempotencyKey">The <c>Idempotency-Key</c> header, if sent.</param>
/// <param name="ShipmentId">The shipment returned.</param>
/// <param name="AnsweredFromIdempotencyKey">True when the key matched an earlier call and nothing was shipped.</param>
public sealed record ShippingCall(string OrderId, string? IdempotencyKey, string ShipmentId, bool AnsweredFromIdempotencyKey);
