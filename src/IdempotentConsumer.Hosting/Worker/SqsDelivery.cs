using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Records;

namespace IdempotentConsumer.Hosting.Worker;

/// <summary>One received message from its receive to its end: receipt handle, heartbeat, and the handler's cancellation.</summary>
internal sealed class SqsDelivery : IDisposable
{
    private readonly CancellationTokenSource _handlerCancellation = new();
    private TaskCompletionSource<MessageProcessingResult?>? _run;
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

    /// <summary>The completed record the receive's batch pre-check read for this message's key; set before it is dispatched.</summary>
    public IdempotencyRecord? Prechecked { get; set; }

    /// <summary>The first message of this receive with the same idempotency key, when this one is a copy of it: not run, it takes that one's result.</summary>
    public SqsDelivery? Leader { get; private set; }

    /// <summary>The first copy's pipeline result; null when it ended without one (handed back, lost). Only for a copy.</summary>
    public Task<MessageProcessingResult?> LeaderResult => Leader?._run?.Task ?? throw new InvalidOperationException("Not a copy.");

    /// <summary>Makes this delivery a copy of <paramref name="leader"/>. Called before either is dispatched.</summary>
    public void FollowAsCopy(SqsDelivery leader)
    {
        Leader = leader;
        leader._run ??= new TaskCompletionSource<MessageProcessingResult?>(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Tells this delivery's copies, if any, how it ended (the first call wins).</summary>
    public void PublishResult(MessageProcessingResult? result) => _run?.TrySetResult(result);

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
