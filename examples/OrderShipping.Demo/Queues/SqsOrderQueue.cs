using System.Globalization;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using IdempotentConsumer.Pipeline;

namespace OrderShipping.Demo.Queues;

/// <summary>A standard SQS queue created for one run (on fauxqs or AWS) and deleted after it.</summary>
internal sealed class SqsOrderQueue : IOrderQueue
{
    private readonly AmazonSQSClient _client;
    private readonly string _queueUrl;

    private SqsOrderQueue(AmazonSQSClient client, string queueUrl, string description)
    {
        _client = client;
        _queueUrl = queueUrl;
        Description = description;
    }

    public string Description { get; }

    /// <summary>Creates a fresh queue; with <paramref name="serviceUrl"/> set, talks to that endpoint with dummy credentials.</summary>
    public static async Task<SqsOrderQueue> CreateAsync(string? serviceUrl, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        var client = serviceUrl is null
            ? new AmazonSQSClient()
            : new AmazonSQSClient(
                new BasicAWSCredentials("demo", "demo"),
                new AmazonSQSConfig { ServiceURL = serviceUrl, AuthenticationRegion = "us-east-1" });
        try
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"order-shipping-demo-{TimeProvider.System.GetUtcNow():yyyyMMddHHmmss}-{Random.Shared.Next(10000):D4}");
            var created = await client.CreateQueueAsync(
                new CreateQueueRequest
                {
                    QueueName = name,
                    Attributes = new Dictionary<string, string>
                    {
                        [QueueAttributeName.VisibilityTimeout] = ((int)Math.Ceiling(visibilityTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture),
                    },
                },
                cancellationToken).ConfigureAwait(false);
            return new SqsOrderQueue(client, created.QueueUrl, $"SQS queue {name} at {serviceUrl ?? "AWS"}");
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public async ValueTask<string> SendAsync(string body, CancellationToken cancellationToken)
    {
        var sent = await _client.SendMessageAsync(new SendMessageRequest(_queueUrl, body), cancellationToken).ConfigureAwait(false);
        return sent.MessageId;
    }

    public async ValueTask<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken)
    {
        var response = await _client.ReceiveMessageAsync(
            new ReceiveMessageRequest
            {
                QueueUrl = _queueUrl,
                MaxNumberOfMessages = Math.Clamp(maxMessages, 1, 10),
                WaitTimeSeconds = 1,
                MessageSystemAttributeNames = ["ApproximateReceiveCount"],
            },
            cancellationToken).ConfigureAwait(false);

        // SDK v4 returns null, not an empty list, when nothing arrived.
        if (response.Messages is not { Count: > 0 } messages)
        {
            return [];
        }

        return messages.Select(message => new ReceivedMessage(
            new IncomingMessage
            {
                MessageId = message.MessageId,
                Body = message.Body,
                ReceiveCount = message.Attributes is { } attributes
                    && attributes.TryGetValue("ApproximateReceiveCount", out var count)
                    && int.TryParse(count, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : 1,
            },
            message.ReceiptHandle)).ToList();
    }

    public async ValueTask<IReadOnlyList<string>> DeleteAsync(IReadOnlyList<ReceivedMessage> messages, CancellationToken cancellationToken)
    {
        var deleted = new List<string>(messages.Count);
        foreach (var chunk in messages.Chunk(10))
        {
            var response = await _client.DeleteMessageBatchAsync(
                new DeleteMessageBatchRequest
                {
                    QueueUrl = _queueUrl,
                    Entries = chunk.Select((message, index) => new DeleteMessageBatchRequestEntry(index.ToString(CultureInfo.InvariantCulture), message.ReceiptHandle)).ToList(),
                },
                cancellationToken).ConfigureAwait(false);
            foreach (var entry in response.Successful ?? [])
            {
                deleted.Add(chunk[int.Parse(entry.Id, CultureInfo.InvariantCulture)].Incoming.MessageId);
            }
        }

        return deleted;
    }

    public async ValueTask ReturnAsync(ReceivedMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await _client.ChangeMessageVisibilityAsync(
                new ChangeMessageVisibilityRequest(_queueUrl, message.ReceiptHandle, (int)Math.Ceiling(delay.TotalSeconds)),
                cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonSQSException)
        {
            // The handle went stale (the message became visible and was received again): it is back already.
        }
    }

    public async ValueTask<bool> IsDrainedAsync(CancellationToken cancellationToken)
    {
        var attributes = await _client.GetQueueAttributesAsync(
            new GetQueueAttributesRequest
            {
                QueueUrl = _queueUrl,
                AttributeNames = [QueueAttributeName.ApproximateNumberOfMessages, QueueAttributeName.ApproximateNumberOfMessagesNotVisible],
            },
            cancellationToken).ConfigureAwait(false);
        return attributes.ApproximateNumberOfMessages == 0 && attributes.ApproximateNumberOfMessagesNotVisible == 0;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _client.DeleteQueueAsync(_queueUrl).ConfigureAwait(false);
        }
        catch (AmazonServiceException)
        {
            // Best effort: a leftover demo queue is harmless and named as one.
        }
        finally
        {
            _client.Dispose();
        }
    }
}
