namespace OrderShippingConsumer.Shipping;

/// <summary>The carrier's answer; stored with the idempotency record and replayed for duplicates.</summary>
public sealed record ShipmentReceipt(string ShipmentId, string OrderId, string TrackingNumber);
