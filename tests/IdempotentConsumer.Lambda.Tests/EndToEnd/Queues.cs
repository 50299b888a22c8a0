using Amazon.SQS;
using Amazon.SQS.Model;

namespace IdempotentConsumer.Lambda.Tests.EndToEnd;

/// <summary>Queue helpers for the end-to-end tests; each test makes its own queue.</summary>
internal static class Queues
{
    public static async Task<string> CreateAsync(IAmazonSQS sqs, bool fifo = false, int visibilityTimeoutSeconds = 1)
    {
        var attributes = new Dictionary<string, string> { ["VisibilityTimeout"] = visibilityTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (fifo)
        {
            attributes["FifoQueue"] = "true";
        }

        var name = $"orders-{Guid.NewGuid():N}"[..30] + (fifo ? ".fifo" : string.Empty);
        var created = await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = name, Attributes = attributes });
        return created.QueueUrl;
    }

    public static Task SendAsync(IAmazonSQS sqs, string queueUrl, string body, string? groupId = null, string? deduplicationId = null) =>
        sqs.SendMessageAsync(new SendMessageRequest
        {
            QueueUrl = queueUrl,
            MessageBody = body,
            MessageGroupId = groupId,
            MessageDeduplicationId = deduplicationId,
        });

    /// <summary>Visible plus in-flight messages: zero means everything was deleted.</summary>
    public static async Task<int> CountAsync(IAmazonSQS sqs, string queueUrl)
    {
        var attributes = await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest
        {
            QueueUrl = queueUrl,
            AttributeNames = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        });
        var values = attributes.Attributes ?? [];
        return int.Parse(values.GetValueOrDefault("ApproximateNumberOfMessages", "0"), System.Globalization.CultureInfo.InvariantCulture)
            + int.Parse(values.GetValueOrDefault("ApproximateNumberOfMessagesNotVisible", "0"), System.Globalization.CultureInfo.InvariantCulture);
    }
}
