using IdempotentConsumer.InProcess;
using IdempotentConsumer.Sqs.Transport;

namespace OrderShipping.Demo.Queues;

/// <summary>The demo's default queue: IdempotentConsumer.InProcess, a standard queue in memory with SQS's delivery rules.</summary>
internal sealed class InProcessDemoQueue : IDemoQueue
{
    private const string Name = "orders";
    private readonly InProcessQueue _queue;

    private InProcessDemoQueue(TimeSpan visibilityTimeout)
    {
        _queue = new InProcessQueue(new InProcessQueueOptions { Name = Name, VisibilityTimeout = visibilityTimeout });
        Transport = new InProcessQueueTransport(_queue, QueueUrl);
    }

    public string Description => "in-process queue (standard, SQS semantics)";

    public string QueueUrl => "https://sqs.us-east-1.amazonaws.com/000000000000/" + Name;

    public string QueueArn => "arn:aws:sqs:us-east-1:000000000000:" + Name;

    public ISqsTransport Transport { get; }

    public static InProcessDemoQueue Create(TimeSpan visibilityTimeout) => new(visibilityTimeout);

    public async ValueTask SendAsync(string body, CancellationToken cancellationToken) =>
        await _queue.SendAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);

    public ValueTask<bool> IsDrainedAsync(CancellationToken cancellationToken)
    {
        var statistics = _queue.Statistics;
        return ValueTask.FromResult(statistics.Visible == 0 && statistics.InFlight == 0);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
