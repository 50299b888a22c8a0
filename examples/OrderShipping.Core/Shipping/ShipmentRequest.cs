namespace OrderShipping.Shipping;

/// <summary>What the consumer asks the shipping API to ship.</summary>
/// <param name="OrderId">The order being shipped.</param>
/// <param name="UserId">The recipient.</param>
/// <param name="ProductId">The product.</param>
public sealed record ShipmentRequest(string OrderId, string UserId, string ProductId);
