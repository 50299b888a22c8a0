using IdempotentConsumer.Pipeline;
using OrderShippingConsumer.Shipping;

namespace OrderShippingConsumer;

/// <summary>
/// Ships one order. It runs at most once per order id to completion; passing the idempotency key on to
/// the carrier covers the one gap left: a crash after the carrier shipped but before the record was
/// marked completed. The retry then sends the same key, and the carrier ships nothing new.
/// </summary>
public sealed class ShipOrderHandler(IShippingApi shippingApi) : IMessageHandler<Order>
{
    /// <inheritdoc />
    public async ValueTask HandleAsync(Order message, MessageContext<Order> context, CancellationToken cancellationToken)
    {
        var request = new ShipmentRequest(message.OrderId, message.UserId, message.ProductId);
        await shippingApi.ShipAsync(request, context.IdempotencyKey, cancellationToken).ConfigureAwait(false);
    }
}
