using Amazon.Lambda.SQSEvents;

namespace IdempotentConsumer.Lambda.Tests.Support;

/// <summary>Hand-built SQS events in the shape Lambda delivers.</summary>
public static class SqsEvents
{
    public const string StandardArn = "arn:aws:sqs:eu-west-1:111122223333:orders";
    public const string FifoArn = "arn:aws:sqs:eu-west-1:111122223333:orders.fifo";

    public static SQSEvent Of(params SQSEvent.SQSMessage[] records) => new() { Records = [.. records] };

    public static SQSEvent.SQSMessage Record(string messageId, string body, int receiveCount = 1) => new()
    {
        MessageId = messageId,
        ReceiptHandle = "rh-" + messageId,
        Body = body,
        EventSource = "aws:sqs",
        EventSourceArn = StandardArn,
        AwsRegion = "eu-west-1",
        Attributes = new Dictionary<string, string>
        {
            ["ApproximateReceiveCount"] = receiveCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SentTimestamp"] = "1718000000000",
        },
        MessageAttributes = [],
    };

    public static SQSEvent.SQSMessage FifoRecord(string messageId, string group, string body, string? deduplicationId = null)
    {
        var record = Record(messageId, body);
        record.EventSourceArn = FifoArn;
        record.Attributes!["MessageGroupId"] = group;
        record.Attributes["MessageDeduplicationId"] = deduplicationId ?? messageId;
        return record;
    }

    public static string OrderJson(string orderId, string userId = "u-1", string productId = "p-1", decimal amount = 10m) =>
        System.Text.Json.JsonSerializer.Serialize(new Order(orderId, userId, productId, amount), System.Text.Json.JsonSerializerOptions.Web);

    /// <summary>
    /// A batch of ten orders <c>{run}-0</c> … <c>{run}-9</c> on its <paramref name="receiveCount"/>-th delivery: each
    /// delivery has its own message ids (<c>m-{i}-{receiveCount}</c>), as SQS gives a redelivery.
    /// </summary>
    public static SQSEvent TenOrders(string run, int receiveCount) =>
        Of([.. Enumerable.Range(0, 10).Select(i => Record($"m-{i}-{receiveCount}", OrderJson($"{run}-{i}"), receiveCount))]);

    public static SQSEvent.SQSMessage OrderRecord(string messageId, string orderId, decimal amount = 10m) => Record(messageId, OrderJson(orderId, amount: amount));
}
