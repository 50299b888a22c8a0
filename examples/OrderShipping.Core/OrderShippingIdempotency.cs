using IdempotentConsumer;
using IdempotentConsumer.Keys;
using OrderShipping.Orders;

namespace OrderShipping;

/// <summary>The idempotency settings every order-shipping consumer shares, so the demo, the Lambda and the worker agree on keys.</summary>
public static class OrderShippingIdempotency
{
    /// <summary>
    /// The consumer's stable name, prefixed to every key. It must not change when code is renamed, or
    /// orders delivered across a deploy would ship again.
    /// </summary>
    public const string KeyPrefix = "order-shipping";

    /// <summary>Applies the order-shipping settings: key = the order id, one day of deduplication.</summary>
    public static void Configure(IdempotencyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.KeyPrefix = KeyPrefix;
        options.KeySource = IdempotencyKeySource.From<Order>(order => order.OrderId);
        options.RecordExpiry = TimeSpan.FromDays(1);
        options.ThrowOnMissingKey = true;
    }
}
