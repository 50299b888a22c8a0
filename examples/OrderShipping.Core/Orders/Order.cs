namespace OrderShipping.Orders;

/// <summary>An order placed in the shop, as it travels through the queue: <c>{"orderId":…,"userId":…,"productId":…}</c>.</summary>
/// <param name="OrderId">The order's id: the idempotency key, since one order must ship once however often it is delivered.</param>
/// <param name="UserId">Who ordered.</param>
/// <param name="ProductId">What to ship.</param>
public sealed record Order(string OrderId, string UserId, string ProductId);
