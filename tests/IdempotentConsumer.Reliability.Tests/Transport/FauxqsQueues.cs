using System.Globalization;
using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace IdempotentConsumer.Reliability.Tests.Transport;

/// <summary>Queues on fauxqs for transport storms; each test makes its own.</summary>
internal static class FauxqsQueues
{
    public static async Task<string> CreateAsync(IAmazonSQS sqs, string prefix, int visibilitySeconds, string? deadLetterQueueArn = null, int maxReceiveCount = 0)
    {
        var attributes = new Dictionary<string, string> { ["VisibilityTimeout"] = visibilitySeconds.ToString(CultureInfo.InvariantCulture) };
        if (deadLetterQueueArn is not null)
        {
            attributes["RedrivePolicy"] = JsonSerializer.Serialize(new Dictionary<string, object> { ["deadLetterTargetArn"] = deadLetterQueueArn, ["maxReceiveCount"] = maxReceiveCount });
        }

        var name = $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(60, prefix.Length + 33)];
        return (await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = name, Attributes = attributes })).QueueUrl;
    }

    public static async Task<string> ArnAsync(IAmazonSQS sqs, string queueUrl)
    {
        var attributes = await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = queueUrl, AttributeNames = ["QueueArn"] });
        return attributes.Attributes?.GetValueOrDefault("QueueArn") ?? throw new InvalidOperationException("The queue has no ARN.");
    }

    /// <summary>Sends the bodies in batches of ten; returns the message ids in send order.</summary>
    public static async Task<IReadOnlyList<string>> SendAsync(IAmazonSQS sqs, string queueUrl, IReadOnlyList<string> bodies)
    {
        var ids = new List<string>(bodies.Count);
        foreach (var chunk in bodies.Chunk(10))
        {
            var entries = chunk.Select((body, i) => new SendMessageBatchRequestEntry { Id = i.ToString(CultureInfo.InvariantCulture), MessageBody = body }).ToList();
            var response = await sqs.SendMessageBatchAsync(new SendMessageBatchRequest { QueueUrl = queueUrl, Entries = entries });
            if (response.Failed is { Count: > 0 } failed)
            {
                throw new InvalidOperationException($"fauxqs refused {failed.Count} sends: {failed[0].Message}");
            }

            ids.AddRange((response.Successful ?? []).OrderBy(s => int.Parse(s.Id, CultureInfo.InvariantCulture)).Select(s => s.MessageId));
        }

        return ids;
    }

    /// <summary>Visible plus in-flight (plus delayed) messages: zero means every message was deleted.</summary>
    public static async Task<int> CountAsync(IAmazonSQS sqs, string queueUrl)
    {
        var attributes = await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest
        {
            QueueUrl = queueUrl,
            AttributeNames = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
        });
        var values = attributes.Attributes ?? [];
        return new[] { "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed" }
            .Sum(name => int.Parse(values.GetValueOrDefault(name, "0"), CultureInfo.InvariantCulture));
    }

    /// <summary>Reads (and deletes) every message of a dead-letter queue; returns their bodies by original message id.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> DrainAsync(IAmazonSQS sqs, string queueUrl)
    {
        var drained = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queueUrl, MaxNumberOfMessages = 10, WaitTimeSeconds = 0 });
            if (received.Messages is not { Count: > 0 } messages)
            {
                return drained;
            }

            foreach (var message in messages)
            {
                drained[message.MessageId] = message.Body;
                await sqs.DeleteMessageAsync(queueUrl, message.ReceiptHandle);
            }
        }
    }
}
