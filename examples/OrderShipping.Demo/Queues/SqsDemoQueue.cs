using System.Globalization;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using IdempotentConsumer.Hosting.Transport;
using IdempotentConsumer.Sqs.Producer.Options;
using IdempotentConsumer.Sqs.Producer.Sending;
using IdempotentConsumer.Sqs.Transport;
using OrderShipping.Orders;

namespace OrderShipping.Demo.Queues;

/// <summary>
/// A standard or FIFO SQS queue created for one run (on fauxqs or AWS) and deleted after it. The producer sends with the SDK;
/// the consumers reach it through <see cref="AwsSqsTransport"/>, as a deployed worker does.
/// </summary>
internal sealed class SqsDemoQueue : IDemoQueue
{
    private readonly AmazonSQSClient _client;
    private IdempotentSqsSender<Order>? _sender;

    private SqsDemoQueue(AmazonSQSClient client, string queueUrl, string queueArn, string description)
    {
        _client = client;
        QueueUrl = queueUrl;
        QueueArn = queueArn;
        Description = description;
        Transport = new AwsSqsTransport(client);
    }

    public string Description { get; }

    public string QueueUrl { get; }

    public string QueueArn { get; }

    public ISqsTransport Transport { get; }

    /// <summary>Creates a fresh queue; with <paramref name="serviceUrl"/> set, talks to that endpoint with dummy credentials.</summary>
    public static async Task<SqsDemoQueue> CreateAsync(string? serviceUrl, TimeSpan visibilityTimeout, bool fifo, CancellationToken cancellationToken)
    {
        var client = serviceUrl is null
            ? new AmazonSQSClient()
            : new AmazonSQSClient(
                new BasicAWSCredentials("demo", "demo"),
                new AmazonSQSConfig { ServiceURL = serviceUrl, AuthenticationRegion = "us-east-1" });
        try
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"order-shipping-demo-{TimeProvider.System.GetUtcNow():yyyyMMddHHmmss}-{Random.Shared.Next(10000):D4}{(fifo ? ".fifo" : string.Empty)}");
            var queueAttributes = new Dictionary<string, string>
            {
                [QueueAttributeName.VisibilityTimeout] = ((int)Math.Ceiling(visibilityTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture),
            };
            if (fifo)
            {
                // No content-based deduplication: every send carries the sender's key-derived deduplication id.
                queueAttributes[QueueAttributeName.FifoQueue] = "true";
            }

            var created = await client.CreateQueueAsync(
                new CreateQueueRequest
                {
                    QueueName = name,
                    Attributes = queueAttributes,
                },
                cancellationToken).ConfigureAwait(false);
            var attributes = await client.GetQueueAttributesAsync(
                new GetQueueAttributesRequest { QueueUrl = created.QueueUrl, AttributeNames = [QueueAttributeName.QueueArn] },
                cancellationToken).ConfigureAwait(false);
            return new SqsDemoQueue(client, created.QueueUrl, attributes.QueueARN ?? string.Empty, $"SQS queue {name} at {serviceUrl ?? "AWS"}");
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public async ValueTask SendAsync(string body, CancellationToken cancellationToken) =>
        await _client.SendMessageAsync(new SendMessageRequest(QueueUrl, body), cancellationToken).ConfigureAwait(false);

    public IdempotentSqsSender<Order> CreateSender(SqsSenderOptions options, Func<Order, string?> messageGroupId)
    {
        options.QueueUrl = QueueUrl;
        _sender = new IdempotentSqsSender<Order>(_client, options, messageGroupId);
        return _sender;
    }

    public async ValueTask<string> SendPreparedAsync(SqsOutgoingMessage message, CancellationToken cancellationToken)
    {
        var sender = _sender ?? throw new InvalidOperationException("CreateSender first: the message is sent by the sender that prepared it.");
        var sent = await sender.SendPreparedAsync([message], cancellationToken).ConfigureAwait(false);
        return sent[0].MessageId;
    }

    public async ValueTask<bool> IsDrainedAsync(CancellationToken cancellationToken)
    {
        var attributes = await _client.GetQueueAttributesAsync(
            new GetQueueAttributesRequest
            {
                QueueUrl = QueueUrl,
                AttributeNames = [QueueAttributeName.ApproximateNumberOfMessages, QueueAttributeName.ApproximateNumberOfMessagesNotVisible],
            },
            cancellationToken).ConfigureAwait(false);
        return attributes.ApproximateNumberOfMessages == 0 && attributes.ApproximateNumberOfMessagesNotVisible == 0;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _client.DeleteQueueAsync(QueueUrl).ConfigureAwait(false);
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
