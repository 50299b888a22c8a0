namespace OrderShipping.Shipping;

/// <summary>The shipping API's answer: stored as the handler's result and replayed for duplicates.</summary>
/// <param name="ShipmentId">The carrier's shipment id.</param>
/// <param name="OrderId">The order it ships.</param>
/// <param name="TrackingNumber">What the customer tracks.</param>
public sealed record ShipmentReceipt(string ShipmentId, string OrderId, string TrackingNumber);
