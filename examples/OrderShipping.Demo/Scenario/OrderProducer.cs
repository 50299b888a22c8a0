using OrderShipping.Demo.Queues;
using OrderShipping.Demo.Reporting;
using OrderShipping.Orders;

namespace OrderShipping.Demo.Scenario;

/// <summary>
/// The shop's producer. When a send "times out" it cannot know whether the message arrived, so it sends
/// again: the queue now holds two messages with different ids and the same order.
/// </summary>
internal sealed class OrderProducer(IDemoQueue queue, DemoStatistics statistics)
{
    public async Task SendAllAsync(ScenarioPlan plan, CancellationToken cancellationToken)
    {
        // A few sends in flight at once, as a web shop's request threads would.
        await Parallel.ForEachAsync(
            plan.Orders,
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (orderPlan, ct) =>
            {
                var body = OrderJson.Serialize(orderPlan.Order);
                for (var send = 1; send <= orderPlan.Sends; send++)
                {
                    await queue.SendAsync(body, ct).ConfigureAwait(false);
                    statistics.RecordSend(isRetry: send > 1);
                }
            }).ConfigureAwait(false);
    }
}
