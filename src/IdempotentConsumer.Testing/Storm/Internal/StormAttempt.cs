namespace IdempotentConsumer.Testing.Storm.Internal;

/// <summary>
/// What the storm planned for one delivery, visible to the handler wrapper and the store gate through the
/// async flow. A crash marks it dead: from then on nothing it does reaches the store, as with a killed process.
/// </summary>
internal sealed class StormAttempt(StormDelivery delivery)
{
    private static readonly AsyncLocal<StormAttempt?> CurrentAttempt = new();
    private volatile bool _crashed;

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
