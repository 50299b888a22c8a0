using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Lambda.Tests.Support;

/// <summary>Builds order processors whose handler records a shipment per order id.</summary>
public static class Processors
{
    public static SqsBatchProcessorBuilder<Order> OrderBuilder(IIdempotencyStore store) =>
        SqsBatchProcessor.For<Order>("ship-orders")
            .WithStore(store)
            .WithKey(o => o.OrderId)
            .WithoutRetry();

    public static SqsBatchProcessor<Order> Shipping(
        IIdempotencyStore store,
        SideEffects shipments,
        Action<SqsBatchProcessorBuilder<Order>>? configure = null,
        Func<Order, MessageContext<Order>, CancellationToken, ValueTask>? before = null)
    {
        var builder = OrderBuilder(store);
        configure?.Invoke(builder);
        return builder.Handle(async (order, context, ct) =>
        {
            if (before is not null)
            {
                await before(order, context, ct);
            }

            shipments.Record(order.OrderId);
        });
    }
}
