namespace OrderShippingConsumer;

/// <summary>An order as the shop sends it to the queue: <c>{"orderId":…,"userId":…,"productId":…}</c>.</summary>
/// <param name="OrderId">The order's id, and so its idempotency key: one order ships once however often it is delivered.</param>
/// <param name="UserId">Who ordered.</param>
/// <param name="ProductId">What to ship.</param>
public sealed record Order(string OrderId, string UserId, string ProductId);
