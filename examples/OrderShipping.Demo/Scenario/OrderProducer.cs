using IdempotentConsumer.Sqs.Producer.Sending;
using OrderShipping.Demo.Queues;
using OrderShipping.Demo.Reporting;
using OrderShipping.Orders;

namespace OrderShipping.Demo.Scenario;

/// <summary>
/// The shop's producer. When a send "times out" it cannot know whether the message arrived, so it sends
/// again: on a standard queue the queue now holds two messages with different ids and the same order. With a
/// <paramref name="sender"/> (<c>--fifo</c>) every send is prepared by it, a retry from a body serialized again, and
/// carries the order's key hash as deduplication id: SQS drops the retry and answers with the first send's message id.
/// </summary>
internal sealed class OrderProducer(IDemoQueue queue, DemoStatistics statistics, IdempotentSqsSender<Order>? sender = null)
{
    public async Task SendAllAsync(ScenarioPlan plan, CancellationToken cancellationToken)
    {
        // A few sends in flight at once, as a web shop's request threads would.
        await Parallel.ForEachAsync(
            plan.Orders,
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (orderPlan, ct) =>
            {
                if (sender is null)
                {
                    await SendAsync(orderPlan, ct).ConfigureAwait(false);
                }
                else
                {
                    await SendPreparedAsync(sender, orderPlan, ct).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
    }

    private async Task SendAsync(OrderPlan orderPlan, CancellationToken cancellationToken)
    {
        var body = OrderJson.Serialize(orderPlan.Order);
        for (var send = 1; send <= orderPlan.Sends; send++)
        {
            await queue.SendAsync(body, cancellationToken).ConfigureAwait(false);
            statistics.RecordSend(isRetry: send > 1);
        }
    }

    private async Task SendPreparedAsync(IdempotentSqsSender<Order> idempotentSender, OrderPlan orderPlan, CancellationToken cancellationToken)
    {
        string? firstMessageId = null;
        for (var send = 1; send <= orderPlan.Sends; send++)
        {
            var message = send == 1
                ? idempotentSender.Prepare(orderPlan.Order)
                : idempotentSender.PrepareJson(FifoSending.Reserialize(orderPlan.Order, send));
            var messageId = await queue.SendPreparedAsync(message, cancellationToken).ConfigureAwait(false);
            firstMessageId ??= messageId;

            // SQS accepts a send it deduplicates and answers with the message id of the send it kept.
            statistics.RecordSend(isRetry: send > 1, deduplicatedByQueue: send > 1 && messageId == firstMessageId);
        }
    }
}
