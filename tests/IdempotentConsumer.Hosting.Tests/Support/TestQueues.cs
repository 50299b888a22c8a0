using System.Globalization;
using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace IdempotentConsumer.Hosting.Tests.Support;

/// <summary>Creates uniquely named queues on fauxqs and talks to them as a producer or an observer would.</summary>
public sealed class TestQueues(IAmazonSQS sqs)
{
    public async Task<string> CreateAsync(string prefix, bool fifo = false, int visibilitySeconds = 30, string? deadLetterQueueUrl = null, int maxReceiveCount = 3)
    {
        var name = $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(70, prefix.Length + 33)] + (fifo ? ".fifo" : string.Empty);
        var attributes = new Dictionary<string, string>
        {
            ["VisibilityTimeout"] = visibilitySeconds.ToString(CultureInfo.InvariantCulture),
        };
        if (fifo)
        {
            attributes["FifoQueue"] = "true";
            attributes["ContentBasedDeduplication"] = "false";
        }

        if (deadLetterQueueUrl is not null)
        {
            var arn = await ArnOfAsync(deadLetterQueueUrl);
            attributes["RedrivePolicy"] = JsonSerializer.Serialize(new { deadLetterTargetArn = arn, maxReceiveCount });
        }

        var response = await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = name, Attributes = attributes });
        return response.QueueUrl;
    }

    public async Task<string> ArnOfAsync(string queueUrl)
    {
        var response = await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = queueUrl, AttributeNames = ["QueueArn"] });
        return response.Attributes!["QueueArn"];
    }

    /// <summary>Sends in batches of ten; FIFO messages use the user as group and <paramref name="deduplicationId"/> (default: a fresh id per send).</summary>
    public async Task SendAsync(string queueUrl, IEnumerable<Order> orders, Func<Order, string>? deduplicationId = null)
    {
        var fifo = queueUrl.EndsWith(".fifo", StringComparison.Ordinal);
        foreach (var chunk in orders.Chunk(10))
        {
            var entries = chunk.Select((order, i) => new SendMessageBatchRequestEntry
            {
                Id = i.ToString(CultureInfo.InvariantCulture),
                MessageBody = JsonSerializer.Serialize(order, JsonSerializerOptions.Web),
                MessageGroupId = fifo ? order.UserId : null,
                MessageDeduplicationId = fifo ? deduplicationId?.Invoke(order) ?? Guid.NewGuid().ToString("N") : null,
            }).ToList();
            var response = await sqs.SendMessageBatchAsync(new SendMessageBatchRequest { QueueUrl = queueUrl, Entries = entries });
            if (response.Failed is { Count: > 0 } failed)
            {
                throw new InvalidOperationException($"Sending failed: {string.Join(", ", failed.Select(f => f.Code + " " + f.Message))}");
            }
        }
    }

    /// <summary>Messages still on the queue, visible or not (approximate counts, exact on the emulator).</summary>
    public async Task<int> CountAsync(string queueUrl)
    {
        var response = await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest
        {
            QueueUrl = queueUrl,
            AttributeNames = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
        });
        return (response.Attributes ?? []).Values.Sum(v => int.Parse(v, CultureInfo.InvariantCulture));
    }

    /// <summary>Receives what is visible now (one short poll).</summary>
    public async Task<List<Message>> ReceiveAsync(string queueUrl, int waitSeconds = 0, int max = 10)
    {
        var response = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest
        {
            QueueUrl = queueUrl,
            MaxNumberOfMessages = max,
            WaitTimeSeconds = waitSeconds,
            MessageSystemAttributeNames = ["All"],
        });
        return response.Messages ?? [];
    }

    public static Order OrderOf(Message message) => JsonSerializer.Deserialize<Order>(message.Body, JsonSerializerOptions.Web)!;
}
