using IdempotentConsumer;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Sqs.Transport;
using IdempotentConsumer.Stores;
using OrderShipping.Demo.Scenario;
using OrderShipping.Shipping;

namespace OrderShipping.Demo.Consumers;

/// <summary>What every consumer process of a run shares: the queue, the store, the carrier, the faults and the clock.</summary>
/// <param name="QueueUrl">The queue the consumers poll.</param>
/// <param name="QueueArn">The queue's ARN (the Lambda records' event source).</param>
/// <param name="Transport">The run's transport to the queue (each process wraps it).</param>
/// <param name="Store">The run's store (each process wraps it).</param>
/// <param name="ShippingApi">The carrier.</param>
/// <param name="Faults">The fault middleware's source.</param>
/// <param name="Timings">The run's clock.</param>
/// <param name="Idempotency">False runs the consumers without idempotency.</param>
/// <param name="KeyPrefix">The run's key prefix.</param>
/// <param name="KeyFromAttribute">Key by the producer's <c>idempotency-key</c> attribute (<c>--fifo</c>), falling back to the order id.</param>
internal sealed record ConsumerEnvironment(
    string QueueUrl,
    string QueueArn,
    ISqsTransport Transport,
    IIdempotencyStore Store,
    IShippingApi ShippingApi,
    FaultInjector Faults,
    DemoTimings Timings,
    bool Idempotency,
    string KeyPrefix,
    bool KeyFromAttribute = false)
{
    /// <summary>The order-shipping settings with this run's key prefix.</summary>
    public void ConfigureIdempotency(IdempotencyOptions options)
    {
        OrderShippingIdempotency.Configure(options);
        options.KeyPrefix = KeyPrefix;
        if (KeyFromAttribute)
        {
            // The same record key as the order id gives (the sender hashed it), without parsing the body for it.
            options.KeyAttribute = IdempotencyKeyAttribute.DefaultName;
            options.KeyAttributeFallback = KeyAttributeFallback.UseBodyKey;
        }
    }
}
