using Amazon;
using Amazon.Runtime;
using Amazon.SQS;
using IdempotentConsumer.InProcess;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Sqs;
using IdempotentConsumer.Sqs.Producer.Options;
using IdempotentConsumer.Sqs.Producer.Sending;
using IdempotentConsumer.Sqs.Transport;
using OrderShipping.Orders;

namespace OrderShipping.Demo.Queues;

/// <summary>
/// The demo's default queue: a queue of <see cref="InProcessSqsTransport"/>, in memory with SQS's delivery rules (standard,
/// or FIFO with deduplication ids and groups). The producer sends with the transport's <c>SendAsync</c>; the consumers use
/// it as their <see cref="ISqsTransport"/>.
/// </summary>
internal sealed class InProcessDemoQueue : IDemoQueue
{
    private const string Name = "orders";
    private readonly InProcessSqsTransport _transport = new();
    private readonly bool _fifo;

    // The sender needs an SQS client, but here it only prepares messages (the transport sends them): this one is never called.
    private readonly AmazonSQSClient _unusedClient = new(
        new AnonymousAWSCredentials(),
        new AmazonSQSConfig { RegionEndpoint = RegionEndpoint.USEast1 });

    private string _keyAttributeName = IdempotencyKeyAttribute.DefaultName;

    private InProcessDemoQueue(TimeSpan visibilityTimeout, bool fifo)
    {
        _fifo = fifo;
        QueueUrl = _transport.CreateQueue(
            fifo ? Name + ".fifo" : Name,
            new InProcessSqsQueueOptions { VisibilityTimeout = visibilityTimeout, Fifo = fifo });
    }

    public string Description => _fifo ? "in-process queue (FIFO, SQS semantics)" : "in-process queue (standard, SQS semantics)";

    public string QueueUrl { get; }

    public string QueueArn => "arn:aws:sqs:us-east-1:000000000000:" + (_fifo ? Name + ".fifo" : Name);

    public ISqsTransport Transport => _transport;

    public static InProcessDemoQueue Create(TimeSpan visibilityTimeout, bool fifo) => new(visibilityTimeout, fifo);

    public async ValueTask SendAsync(string body, CancellationToken cancellationToken) =>
        await _transport.SendAsync(QueueUrl, body, cancellationToken: cancellationToken).ConfigureAwait(false);

    public IdempotentSqsSender<Order> CreateSender(SqsSenderOptions options, Func<Order, string?> messageGroupId)
    {
        options.QueueUrl = QueueUrl;
        _keyAttributeName = options.KeyAttributeName;
        return new IdempotentSqsSender<Order>(_unusedClient, options, messageGroupId);
    }

    public async ValueTask<string> SendPreparedAsync(SqsOutgoingMessage message, CancellationToken cancellationToken) =>
        await _transport.SendAsync(
            QueueUrl,
            message.Body,
            new Dictionary<string, SqsMessageAttribute>(StringComparer.Ordinal) { [_keyAttributeName] = new SqsMessageAttribute("String", message.KeyHash, null) },
            message.MessageGroupId,
            message.DeduplicationId,
            cancellationToken).ConfigureAwait(false);

    public ValueTask<bool> IsDrainedAsync(CancellationToken cancellationToken)
    {
        var statistics = _transport.GetStatistics(QueueUrl);
        return ValueTask.FromResult(statistics.Visible == 0 && statistics.InFlight == 0);
    }

    public ValueTask DisposeAsync()
    {
        _unusedClient.Dispose();
        return ValueTask.CompletedTask;
    }
}
