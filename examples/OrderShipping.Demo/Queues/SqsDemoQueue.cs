using System.Globalization;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using IdempotentConsumer.Hosting.Transport;
using IdempotentConsumer.Sqs.Transport;

namespace OrderShipping.Demo.Queues;

/// <summary>
/// A standard SQS queue created for one run (on fauxqs or AWS) and deleted after it. The producer sends with the SDK;
/// the consumers reach it through <see cref="AwsSqsTransport"/>, as a deployed worker does.
/// </summary>
internal sealed class SqsDemoQueue : IDemoQueue
{
    private readonly AmazonSQSClient _client;

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
    public static async Task<SqsDemoQueue> CreateAsync(string? serviceUrl, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
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
