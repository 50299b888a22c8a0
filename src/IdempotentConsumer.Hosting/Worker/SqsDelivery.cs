using IdempotentConsumer.Pipeline;

namespace IdempotentConsumer.Hosting.Worker;

/// <summary>One received message from its receive to its end: receipt handle, heartbeat, and the handler's cancellation.</summary>
internal sealed class SqsDelivery : IDisposable
{
    private readonly CancellationTokenSource _handlerCancellation = new();
    private int _abandoned;

    public SqsDelivery(IncomingMessage incoming, string receiptHandle, VisibilityHeartbeat heartbeat)
    {
        Incoming = incoming;
        ReceiptHandle = receiptHandle;
        Heartbeat = heartbeat;
    }

    public IncomingMessage Incoming { get; }

    public string MessageId => Incoming.MessageId;

    public string ReceiptHandle { get; }

    /// <summary>Keeps the message invisible (and its idempotency lease held) until the delivery ends.</summary>
    public VisibilityHeartbeat Heartbeat { get; }

    /// <summary>Fires when the heartbeat loses the message or its lease, or the shutdown timeout passes.</summary>
    public CancellationToken HandlerToken => _handlerCancellation.Token;

    /// <summary>True once the shutdown timeout passed while this delivery was unfinished: it is handed back.</summary>
    public bool IsAbandoned => Volatile.Read(ref _abandoned) == 1;

    /// <summary>Marks the delivery abandoned and cancels its handler.</summary>
    public void Abandon()
    {
        if (Interlocked.Exchange(ref _abandoned, 1) == 0)
        {
            CancelHandler();
        }
    }

    /// <summary>Cancels the handler without abandoning the delivery (the heartbeat lost it).</summary>
    public void CancelHandler()
    {
        try
        {
            _handlerCancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The delivery already ended; nothing runs that could be cancelled.
        }
    }

    public void Dispose() => _handlerCancellation.Dispose();
}
