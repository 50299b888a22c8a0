using System.Text.Json;
using Amazon.Lambda.SQSEvents;

namespace OrderShippingConsumer.Tests;

/// <summary>Builds SQS events as Lambda delivers them.</summary>
public static class SqsEvents
{
    public static SQSEvent.SQSMessage Record(string messageId, string body, int receiveCount = 1) => new()
    {
        MessageId = messageId,
        ReceiptHandle = $"handle-{messageId}",
        Body = body,
        EventSource = "aws:sqs",
        EventSourceArn = "arn:aws:sqs:us-east-1:000000000000:orders",
        AwsRegion = "us-east-1",
        Attributes = new Dictionary<string, string>
        {
            ["ApproximateReceiveCount"] = receiveCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SentTimestamp"] = "1700000000000",
        },
        MessageAttributes = [],
    };

    public static SQSEvent.SQSMessage OrderRecord(string messageId, Order order, int receiveCount = 1) =>
        Record(messageId, JsonSerializer.Serialize(order, JsonSerializerOptions.Web), receiveCount);

    public static SQSEvent Batch(params SQSEvent.SQSMessage[] records) => new() { Records = [.. records] };
}
