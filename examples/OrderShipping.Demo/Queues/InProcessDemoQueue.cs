using IdempotentConsumer.InProcess;
using IdempotentConsumer.Sqs.Transport;

namespace OrderShipping.Demo.Queues;

/// <summary>
/// The demo's default queue: a standard queue of <see cref="InProcessSqsTransport"/>, in memory with SQS's delivery
/// rules. The producer sends with the transport's <c>SendAsync</c>; the consumers use it as their <see cref="ISqsTransport"/>.
/// </summary>
internal sealed class InProcessDemoQueue : IDemoQueue
{
    private const string Name = "orders";
    private readonly InProcessSqsTransport _transport = new();

    private InProcessDemoQueue(TimeSpan visibilityTimeout)
    {
        QueueUrl = _transport.CreateQueue(Name, new InProcessSqsQueueOptions { VisibilityTimeout = visibilityTimeout });
    }

    public string Description => "in-process queue (standard, SQS semantics)";

    public string QueueUrl { get; }

    public string QueueArn => "arn:aws:sqs:us-east-1:000000000000:" + Name;

    public ISqsTransport Transport => _transport;

    public static InProcessDemoQueue Create(TimeSpan visibilityTimeout) => new(visibilityTimeout);

    public async ValueTask SendAsync(string body, CancellationToken cancellationToken) =>
        await _transport.SendAsync(QueueUrl, body, cancellationToken: cancellationToken).ConfigureAwait(false);

    public ValueTask<bool> IsDrainedAsync(CancellationToken cancellationToken)
    {
        var statistics = _transport.GetStatistics(QueueUrl);
        return ValueTask.FromResult(statistics.Visible == 0 && statistics.InFlight == 0);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
