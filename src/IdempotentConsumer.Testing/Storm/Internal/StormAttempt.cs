namespace IdempotentConsumer.Testing.Storm.Internal;

/// <summary>
/// One receive of one send by one consumer process, and what the storm planned for it. A process holds at most one
/// attempt at a time (each runs the worker with a concurrency of 1), so the process's store, transport and log
/// wrappers know which attempt a call belongs to.
/// </summary>
internal sealed class StormAttempt(StormProcess process, int logicalIndex, string messageId, string receiptHandle, int receiveCount)
{
    private int _settled;

    public StormProcess Process { get; } = process;

    public int LogicalIndex { get; } = logicalIndex;

    public string MessageId { get; } = messageId;

    public string ReceiptHandle { get; } = receiptHandle;

    public int ReceiveCount { get; } = receiveCount;

    public bool CrashBeforeSideEffect { get; init; }

    public bool CrashAfterSideEffect { get; init; }

    public bool CrashBeforeCompletion { get; init; }

    /// <summary>The handler stalls, cut off from the store and the queue, until its lease lapsed and another owner completed the key.</summary>
    public bool OutliveLease { get; init; }

    /// <summary>
    /// Set when the handler actually stalled past its lease (a planned stall whose attempt only replayed never does):
    /// only such an attempt is waited for, and its completion counted as refused or landed.
    /// </summary>
    public bool Stalled { get; set; }

    /// <summary>The handler takes the storm's slow-handler duration before its side effect.</summary>
    public bool Slow { get; init; }

    /// <summary>True when this attempt's latest begin went out while the store was down.</summary>
    public bool BeganDuringOutage { get; set; }

    /// <summary>The begin met a completed record: unless the handler runs after all, the delivery is a replay.</summary>
    public bool MetCompletedRecord { get; set; }

    /// <summary>The stored response of the completed record the begin met (what the executor replays).</summary>
    public string? CompletedResponse { get; set; }

    /// <summary>The handler was entered.</summary>
    public bool HandlerRan { get; set; }

    /// <summary>The worker's heartbeat could not keep the lease or the visibility and gave the message up.</summary>
    public bool LeaseLost { get; set; }

    /// <summary>The worker asked to delete it and the storm dropped the delete.</summary>
    public bool AcknowledgementLost { get; set; }

    /// <summary>The process crashed while it held this attempt.</summary>
    public bool Crashed { get; set; }

    /// <summary>The worker answered the receive: deleted it or changed its visibility.</summary>
    public bool Answered { get; set; }

    /// <summary>True for the first call only: the attempt's outcome is counted once.</summary>
    public bool TrySettle() => Interlocked.Exchange(ref _settled, 1) == 0;
}
