namespace OrderShipping.Demo.Queues;

/// <summary>The few queue operations the demo's producer and consumers use, over the in-process queue or SQS.</summary>
internal interface IOrderQueue : IAsyncDisposable
{
    /// <summary>Says what the queue is, for the summary.</summary>
    string Description { get; }

    /// <summary>Sends one body; returns the new message's id (a retried send gets a new id, as on SQS).</summary>
    ValueTask<string> SendAsync(string body, CancellationToken cancellationToken);

    /// <summary>Receives up to <paramref name="maxMessages"/>, waiting briefly when the queue is empty.</summary>
    ValueTask<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken);

    /// <summary>Deletes settled messages; returns the ids the queue really removed (a stale handle removes nothing).</summary>
    ValueTask<IReadOnlyList<string>> DeleteAsync(IReadOnlyList<ReceivedMessage> messages, CancellationToken cancellationToken);

    /// <summary>Makes a message visible again after <paramref name="delay"/> (SQS ChangeMessageVisibility).</summary>
    ValueTask ReturnAsync(ReceivedMessage message, TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>True when no message is left, visible or in flight.</summary>
    ValueTask<bool> IsDrainedAsync(CancellationToken cancellationToken);
}
