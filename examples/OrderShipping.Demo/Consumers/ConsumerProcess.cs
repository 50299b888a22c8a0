using IdempotentConsumer;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Stores;
using OrderShipping.Handling;
using OrderShipping.Orders;
using OrderShipping.Shipping;

namespace OrderShipping.Demo.Consumers;

/// <summary>
/// One life of a consumer process: its own executor and pipeline over its own connection to the shared
/// store. A crash ends the life; the consumer then starts a new one, as an orchestrator restarts a container.
/// </summary>
internal sealed class ConsumerProcess
{
    private readonly ProcessBoundStore _store;

    public ConsumerProcess(string name, IIdempotencyStore sharedStore, IShippingApi shippingApi, FaultInjector faults, bool idempotency, TimeSpan lease, string keyPrefix)
    {
        Name = name;
        _store = new ProcessBoundStore(sharedStore);
        var builder = new MessagePipelineBuilder<Order>();
        if (idempotency)
        {
            var options = new IdempotencyOptions { InProgressLease = lease };
            OrderShippingIdempotency.Configure(options);
            options.KeyPrefix = keyPrefix;
            builder.UseIdempotency(new IdempotencyExecutor(_store, options));
        }

        Pipeline = builder
            .Use(faults.For(this))
            .Build<ShipmentReceipt>(new ShipOrderHandler(shippingApi));
    }

    public string Name { get; }

    public MessagePipeline<Order> Pipeline { get; }

    public bool IsDead { get; private set; }

    public void Kill()
    {
        IsDead = true;
        _store.Kill();
    }
}
