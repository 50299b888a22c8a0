using System.Globalization;
using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Lambda.LocalRunner;
using IdempotentConsumer.Stores;
using OrderShipping.Orders;
using OrderShipping.Shipping;

namespace OrderShipping.Lambda.Tests;

/// <summary>The function invoked directly with hand-built batches: no server.</summary>
public sealed class FunctionTests
{
    private readonly FakeShippingApi _carrier = new();
    private readonly Function _function;

    public FunctionTests() => _function = new Function(new InMemoryIdempotencyStore(), _carrier);

    private static SQSEvent.SQSMessage Record(string messageId, string body, int receiveCount = 1) => new()
    {
        MessageId = messageId,
        ReceiptHandle = "handle-" + messageId,
        Body = body,
        EventSource = "aws:sqs",
        EventSourceArn = "arn:aws:sqs:us-east-1:000000000000:orders",
        AwsRegion = "us-east-1",
        Attributes = new Dictionary<string, string> { ["ApproximateReceiveCount"] = receiveCount.ToString(CultureInfo.InvariantCulture) },
        MessageAttributes = [],
    };

    private static SQSEvent.SQSMessage OrderRecord(string messageId, string orderId, int receiveCount = 1) =>
        Record(messageId, OrderJson.Serialize(new Order(orderId, "USR-1", "SKU-1")), receiveCount);

    private static LocalLambdaContext Context() => new(TimeSpan.FromSeconds(30));

    [Fact]
    public async Task Given_a_batch_of_distinct_orders_Then_each_ships_once_and_nothing_is_redelivered()
    {
        var response = await _function.HandleAsync(
            new SQSEvent { Records = [OrderRecord("m-1", "ORD-1"), OrderRecord("m-2", "ORD-2"), OrderRecord("m-3", "ORD-3")] },
            Context());

        Assert.Empty(response.BatchItemFailures ?? []);
        Assert.Equal(3, _carrier.ShipmentCount);
        Assert.All(_carrier.Calls, call => Assert.StartsWith(OrderShippingIdempotency.KeyPrefix + "#", call.IdempotencyKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_the_same_order_in_a_later_invocation_Then_it_is_answered_from_the_record_without_calling_the_carrier()
    {
        await _function.HandleAsync(new SQSEvent { Records = [OrderRecord("m-1", "ORD-1")] }, Context());

        var response = await _function.HandleAsync(new SQSEvent { Records = [OrderRecord("m-9", "ORD-1")] }, Context());

        Assert.Empty(response.BatchItemFailures ?? []);
        Assert.Equal(1, _carrier.CallCount);
    }

    [Fact]
    public async Task Given_a_record_that_is_not_an_order_Then_only_it_is_reported_as_a_batch_item_failure()
    {
        var response = await _function.HandleAsync(
            new SQSEvent { Records = [Record("bad", "{not json"), OrderRecord("good", "ORD-1")] },
            Context());

        Assert.Equal("bad", Assert.Single(response.BatchItemFailures ?? []).ItemIdentifier);
        Assert.Equal(1, _carrier.ShipmentsFor("ORD-1"));
    }

    [Fact]
    public async Task Given_a_failure_after_the_carrier_shipped_Then_the_redelivered_record_ships_nothing_new()
    {
        var crashing = new CrashAfterShippingApi(_carrier, ["ORD-1"]);
        var function = new Function(new InMemoryIdempotencyStore(), crashing);

        var first = await function.HandleAsync(new SQSEvent { Records = [OrderRecord("m-1", "ORD-1")] }, Context());
        var retry = await function.HandleAsync(new SQSEvent { Records = [OrderRecord("m-1", "ORD-1", receiveCount: 2)] }, Context());

        Assert.Equal("m-1", Assert.Single(first.BatchItemFailures ?? []).ItemIdentifier);
        Assert.Empty(retry.BatchItemFailures ?? []);
        Assert.Equal(2, _carrier.CallCount);
        Assert.Equal(1, _carrier.IdempotencyKeyHits);
        Assert.Equal(1, _carrier.ShipmentsFor("ORD-1"));
    }
}
