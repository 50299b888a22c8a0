using System.Globalization;
using Amazon.SQS;
using Amazon.SQS.Model;
using IdempotentConsumer.Lambda.LocalRunner;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using OrderShipping.Orders;
using OrderShipping.Shipping;

namespace OrderShipping.Lambda.Tests;

/// <summary>
/// The function run locally as Lambda would run it: the local event source mapping long-polls an SQS
/// queue on fauxqs, invokes the function with each batch, deletes what succeeded and leaves the
/// reported failures to come back after the visibility timeout.
/// </summary>
public sealed class LocalEventSourceMappingTests(FauxqsFixture fauxqs) : IClassFixture<FauxqsFixture>
{
    private const int Orders = 60;

    [Fact]
    public async Task Given_producer_retries_and_crashes_after_shipping_When_the_mapping_drains_the_queue_Then_every_order_ships_exactly_once()
    {
        using var sqs = fauxqs.CreateSqsClient();
        var queueUrl = (await sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = "orders-" + Guid.NewGuid().ToString("N")[..8],
            Attributes = new Dictionary<string, string> { [QueueAttributeName.VisibilityTimeout] = "1" },
        })).QueueUrl;
        var random = new Random(5);
        var sends = 0;
        for (var number = 1; number <= Orders; number++)
        {
            var body = OrderJson.Serialize(new Order(string.Create(CultureInfo.InvariantCulture, $"ORD-{number:D3}"), "USR-1", "SKU-1"));
            var copies = random.NextDouble() < 0.25 ? 2 : 1; // the producer retried a send that timed out
            for (var copy = 0; copy < copies; copy++, sends++)
            {
                await sqs.SendMessageAsync(queueUrl, body);
            }
        }

        var carrier = new FakeShippingApi();
        var crashing = new CrashAfterShippingApi(carrier, ["ORD-007", "ORD-021", "ORD-042"]);
        var function = new Function(new InMemoryIdempotencyStore(), crashing);
        var mapping = new LocalEventSourceMapping(
            sqs,
            // The 2 s long poll outlasts the 1 s visibility timeout: one empty receive means the queue is drained.
            new LocalEventSourceMappingOptions { QueueUrl = queueUrl, BatchSize = 10, WaitTimeSeconds = 2, FunctionTimeout = TimeSpan.FromSeconds(10) },
            function.HandleAsync,
            functionLogger: new NullLambdaLogger());

        var cycles = await mapping.RunUntilIdleAsync(idleReceives: 1);

        Assert.Equal(3, crashing.Crashes);
        Assert.True(sends > Orders, "the producer should have sent duplicates");
        Assert.True(cycles.Sum(cycle => cycle.Received.Count) >= sends + 3, "the crashed records should have been redelivered");
        Assert.Equal(Orders, carrier.ShipmentCount);
        Assert.Equal(Orders, carrier.ShippedOrderCount);
        Assert.All(carrier.ShipmentsPerOrder().Values, count => Assert.Equal(1, count));
        Assert.Equal(3, carrier.IdempotencyKeyHits);
        var left = await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest
        {
            QueueUrl = queueUrl,
            AttributeNames = [QueueAttributeName.ApproximateNumberOfMessages, QueueAttributeName.ApproximateNumberOfMessagesNotVisible],
        });
        Assert.Equal(0, left.ApproximateNumberOfMessages + left.ApproximateNumberOfMessagesNotVisible);
    }

    private sealed class NullLambdaLogger : Amazon.Lambda.Core.ILambdaLogger
    {
        public void Log(string message)
        {
        }

        public void LogLine(string message)
        {
        }
    }
}
