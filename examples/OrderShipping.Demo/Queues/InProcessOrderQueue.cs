using IdempotentConsumer.InProcess;
using IdempotentConsumer.Pipeline;

namespace OrderShipping.Demo.Queues;

/// <summary>The demo's default queue: IdempotentConsumer.InProcess, a standard queue in memory with SQS's delivery rules.</summary>
internal sealed class InProcessOrderQueue(TimeSpan visibilityTimeout) : IOrderQueue
{
    // Long polling in miniature: an empty receive waits a little for a message instead of spinning.
    private static readonly TimeSpan ReceiveWait = TimeSpan.FromMilliseconds(20);

    private readonly InProcessQueue _queue = new(new InProcessQueueOptions
    {
        Name = "orders",
        VisibilityTimeout = visibilityTimeout,
        ReceiveWaitTime = ReceiveWait,
    });

    public string Description => "in-process queue (standard, SQS semantics)";

    public ValueTask<string> SendAsync(string body, CancellationToken cancellationToken) =>
        _queue.SendAsync(body, cancellationToken: cancellationToken);

    public async ValueTask<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken)
    {
        var messages = await _queue.ReceiveAsync(maxMessages, ReceiveWait, cancellationToken).ConfigureAwait(false);
        return messages.Select(message => new ReceivedMessage(
            new IncomingMessage
            {
                MessageId = message.MessageId,
                Body = message.Body,
                Attributes = message.Attributes,
                ReceiveCount = message.ApproximateReceiveCount,
                SentTimestamp = message.SentTimestamp,
            },
            message.ReceiptHandle)).ToList();
    }

    public async ValueTask<IReadOnlyList<string>> DeleteAsync(IReadOnlyList<ReceivedMessage> messages, CancellationToken cancellationToken)
    {
        var deleted = new List<string>(messages.Count);
        foreach (var message in messages)
        {
            // A stale receipt handle (the message was received again meanwhile) deletes nothing, as on SQS.
            if (await _queue.DeleteAsync(message.ReceiptHandle, cancellationToken).ConfigureAwait(false))
            {
                deleted.Add(message.Incoming.MessageId);
            }
        }

        return deleted;
    }

    public async ValueTask ReturnAsync(ReceivedMessage message, TimeSpan delay, CancellationToken cancellationToken) =>
        await _queue.ChangeVisibilityAsync(message.ReceiptHandle, delay, cancellationToken).ConfigureAwait(false);

    public ValueTask<bool> IsDrainedAsync(CancellationToken cancellationToken)
    {
        var statistics = _queue.Statistics;
        return ValueTask.FromResult(statistics.Visible == 0 && statistics.InFlight == 0);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
