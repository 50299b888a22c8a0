namespace OrderShippingConsumer.Shipping;

/// <summary>What the function asks the carrier to ship.</summary>
public sealed record ShipmentRequest(string OrderId, string UserId, string ProductId);
