using System.Globalization;
using IdempotentConsumer.Pipeline;

namespace OrderShipping.Demo.Queues;

/// <summary>
/// A standard queue in process memory with SQS's delivery rules: a received message hides for the
/// visibility timeout and comes back unless deleted with its latest receipt handle.
/// </summary>
internal sealed class InProcessOrderQueue(TimeSpan visibilityTimeout, TimeProvider timeProvider) : IOrderQueue
{
    private readonly object _gate = new();
    private readonly LinkedList<Entry> _entries = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _byId = new(StringComparer.Ordinal);
    private long _sequence;

    public string Description => "in-process queue (standard, SQS semantics)";

    public ValueTask<string> SendAsync(string body, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"msg-{++_sequence:D7}");
            _byId[id] = _entries.AddLast(new Entry(id, body) { VisibleAt = timeProvider.GetUtcNow() });
            return ValueTask.FromResult(id);
        }
    }

    public async ValueTask<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken)
    {
        var received = TryReceive(maxMessages);
        if (received.Count == 0)
        {
            // A short poll interval stands in for long polling.
            await Task.Delay(TimeSpan.FromMilliseconds(5), timeProvider, cancellationToken).ConfigureAwait(false);
        }

        return received;
    }

    private List<ReceivedMessage> TryReceive(int maxMessages)
    {
        var received = new List<ReceivedMessage>();
        lock (_gate)
        {
            var now = timeProvider.GetUtcNow();
            for (var node = _entries.First; node is not null && received.Count < maxMessages; node = node.Next)
            {
                var entry = node.Value;
                if (entry.VisibleAt > now)
                {
                    continue;
                }

                entry.ReceiveCount++;
                entry.VisibleAt = now + visibilityTimeout;
                entry.ReceiptHandle = string.Create(CultureInfo.InvariantCulture, $"{entry.Id}/{entry.ReceiveCount}");
                received.Add(new ReceivedMessage(
                    new IncomingMessage { MessageId = entry.Id, Body = entry.Body, ReceiveCount = entry.ReceiveCount },
                    entry.ReceiptHandle));
            }
        }

        return received;
    }

    public ValueTask<IReadOnlyList<string>> DeleteAsync(IReadOnlyList<ReceivedMessage> messages, CancellationToken cancellationToken)
    {
        var deleted = new List<string>(messages.Count);
        lock (_gate)
        {
            foreach (var message in messages)
            {
                if (_byId.TryGetValue(message.Incoming.MessageId, out var node) && node.Value.ReceiptHandle == message.ReceiptHandle)
                {
                    _entries.Remove(node);
                    _byId.Remove(message.Incoming.MessageId);
                    deleted.Add(message.Incoming.MessageId);
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyList<string>>(deleted);
    }

    public ValueTask ReturnAsync(ReceivedMessage message, TimeSpan delay, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(message.Incoming.MessageId, out var node) && node.Value.ReceiptHandle == message.ReceiptHandle)
            {
                node.Value.VisibleAt = timeProvider.GetUtcNow() + delay;
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> IsDrainedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_entries.Count == 0);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class Entry(string id, string body)
    {
        public string Id { get; } = id;

        public string Body { get; } = body;

        public int ReceiveCount { get; set; }

        public DateTimeOffset VisibleAt { get; set; }

        public string? ReceiptHandle { get; set; }
    }
}
