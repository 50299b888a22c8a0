namespace IdempotentConsumer.Testing.Storm.Internal;

/// <summary>
/// What the storm planned for one delivery, visible to the handler wrapper and the store gate through the
/// async flow. A crash marks it dead: from then on nothing it does reaches the store, as with a killed process.
/// </summary>
internal sealed class StormAttempt(StormDelivery delivery)
{
    private static readonly AsyncLocal<StormAttempt?> CurrentAttempt = new();
    private volatile bool _crashed;
    private volatile bool _leaseLost;
    private Execution.IdempotencyLease? _lease;

    public static StormAttempt? Current
    {
        get => CurrentAttempt.Value;
        set => CurrentAttempt.Value = value;
    }

    public StormDelivery Delivery { get; } = delivery;

    public int LogicalIndex => Delivery.Envelope.LogicalIndex;

    public bool CrashBeforeSideEffect { get; init; }

    public bool CrashAfterSideEffect { get; init; }

    public bool CrashBeforeCompletion { get; init; }

    public bool OutliveLease { get; init; }

    /// <summary>The handler takes the storm's slow-handler duration before its side effect.</summary>
    public bool Slow { get; init; }

    /// <summary>Cancels the handler when the heartbeat could not keep the lease (the process gave the message up).</summary>
    public CancellationTokenSource? HandlerCancellation { get; set; }

    /// <summary>The lease the running handler holds, for the heartbeat; null before the begin and after the handler.</summary>
    public Execution.IdempotencyLease? Lease
    {
        get => Volatile.Read(ref _lease);
        set => Volatile.Write(ref _lease, value);
    }

    /// <summary>True once the heartbeat gave the lease up and cancelled the handler.</summary>
    public bool LeaseLost
    {
        get => _leaseLost;
        set => _leaseLost = value;
    }

    /// <summary>True when this attempt's latest begin went out while the store was down.</summary>
    public bool BeganDuringOutage { get; set; }

    public StormCrashPoint? CrashedAt { get; private set; }

    public bool Crashed => _crashed;

    public SimulatedCrashException Crash(StormCrashPoint point)
    {
        CrashedAt = point;
        _crashed = true;
        return new SimulatedCrashException(point);
    }
}
