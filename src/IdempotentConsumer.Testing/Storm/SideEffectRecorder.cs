using IdempotentConsumer.Testing.Storm.Internal;

namespace IdempotentConsumer.Testing.Storm;

/// <summary>
/// Handed to the side effect for each handler invocation. Call <see cref="Record"/> when the side effect
/// actually took place (a downstream API that deduplicates on <see cref="IdempotencyKey"/> records only when
/// it did the work); the storm counts these per key to find double effects and lost messages.
/// </summary>
public sealed class SideEffectRecorder
{
    private readonly StormMessageStats _stats;
    private readonly Action _onRecord;

    internal SideEffectRecorder(StormMessageStats stats, string idempotencyKey, string messageId, int receiveCount, Action onRecord)
    {
        _stats = stats;
        _onRecord = onRecord;
        IdempotencyKey = idempotencyKey;
        MessageId = messageId;
        ReceiveCount = receiveCount;
    }

    /// <summary>The full idempotency key of the message: pass it to the downstream call so that it can deduplicate.</summary>
    public string IdempotencyKey { get; }

    /// <summary>The transport id of this delivery (differs between duplicate sends).</summary>
    public string MessageId { get; }

    /// <summary>How many times the queue has delivered this send (1 on first delivery).</summary>
    public int ReceiveCount { get; }

    /// <summary>Records that the side effect took place for this message.</summary>
    public void Record()
    {
        Interlocked.Increment(ref _stats.Effects);
        _onRecord();
    }
}
