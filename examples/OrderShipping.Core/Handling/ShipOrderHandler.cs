using IdempotentConsumer.Pipeline;
using OrderShipping.Orders;
using OrderShipping.Shipping;

namespace OrderShipping.Handling;

/// <summary>
/// Ships one order. It runs under the idempotency middleware, which gives it the message's idempotency
/// key; passing that key to the carrier as <c>Idempotency-Key</c> is what makes a crash between the
/// shipping call and the completed record harmless: the retry ships nothing new.
/// </summary>
/// <remarks>
/// Its receipt is stored with the record and replayed to duplicates, in the demo, the Lambda function and the hosted
/// worker alike: every adapter takes handlers with a result.
/// </remarks>
public sealed class ShipOrderHandler : IMessageHandler<Order, ShipmentReceipt>
{
    private readonly IShippingApi _shippingApi;

    /// <summary>Creates the handler.</summary>
    public ShipOrderHandler(IShippingApi shippingApi) =>
        _shippingApi = shippingApi ?? throw new ArgumentNullException(nameof(shippingApi));

    /// <inheritdoc />
    public ValueTask<ShipmentReceipt> HandleAsync(Order message, MessageContext<Order> context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        var request = new ShipmentRequest(message.OrderId, message.UserId, message.ProductId);

        // Without idempotency there is no key: the carrier cannot deduplicate either, which is the point of the comparison.
        var idempotencyKey = context.Lease?.Key ?? context.IdempotencyKey;
        return _shippingApi.ShipAsync(request, idempotencyKey, cancellationToken);
    }
}
