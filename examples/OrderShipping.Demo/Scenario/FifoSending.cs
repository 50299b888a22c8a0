using System.Text.Json;
using System.Text.Json.Nodes;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Sqs.Producer.Options;
using IdempotentConsumer.Sqs.Producer.Sending;
using OrderShipping.Demo.Queues;
using OrderShipping.Orders;

namespace OrderShipping.Demo.Scenario;

/// <summary>
/// The producer's side of <c>--fifo</c>: the idempotent sender, configured with the consumers' key (the run's prefix,
/// the order id, SHA-256), so its deduplication id, its key attribute and the consumers' record key all agree.
/// </summary>
internal static class FifoSending
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// A sender for <paramref name="queue"/>. Group = the user: orders of one user stay in order, and with hundreds of users
    /// the FIFO rule of one message in flight per group still leaves every consumer busy.
    /// </summary>
    public static IdempotentSqsSender<Order> CreateSender(IDemoQueue queue, string keyPrefix) =>
        queue.CreateSender(
            new SqsSenderOptions
            {
                KeyPrefix = keyPrefix,
                KeySource = IdempotencyKeySource.From<Order>(order => order.OrderId),
                SerializerOptions = JsonSerializerOptions.Web,
            },
            order => order.UserId);

    /// <summary>
    /// The body of a retried send as another serializer writes it: fields in reverse order (and indented on a third send).
    /// Content-based deduplication, which hashes the raw body, would take it for a new message; the key hash does not change.
    /// </summary>
    public static string Reserialize(Order order, int send)
    {
        var json = new JsonObject
        {
            ["productId"] = order.ProductId,
            ["userId"] = order.UserId,
            ["orderId"] = order.OrderId,
        };
        return send > 2 ? json.ToJsonString(Indented) : json.ToJsonString();
    }
}
