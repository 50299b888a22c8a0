namespace IdempotentConsumer.Testing.Faults;

/// <summary>One fault-injection rule: which operations, how often, what kind and when.</summary>
public sealed record StoreFaultRule
{
    /// <summary>The operations this rule applies to. Default: all.</summary>
    public StoreOperations Operations { get; init; } = StoreOperations.All;

    /// <summary>What the caller sees. Default: throttling.</summary>
    public StoreFaultKind Kind { get; init; } = StoreFaultKind.Throttling;

    /// <summary>Whether the write lands before the error. Default: before the write (nothing written).</summary>
    public FaultTiming Timing { get; init; } = FaultTiming.BeforeWrite;

    /// <summary>The chance, from 0 to 1, that a matching call fails. Default: 1 (every matching call).</summary>
    public double Probability { get; init; } = 1.0;

    /// <summary>Stop after this many faults from this rule; null for no limit.</summary>
    public int? MaxFaults { get; init; }

    /// <summary>How long the failing call takes before it throws (a timeout is slow). Default: none.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Only calls whose key matches fail; null for every key. Not consulted for <see cref="StoreOperations.GetMany"/>.</summary>
    public Func<string, bool>? KeyFilter { get; init; }

    internal void Validate()
    {
        if (Probability is < 0 or > 1 || double.IsNaN(Probability))
        {
            throw new ArgumentOutOfRangeException(nameof(Probability), Probability, "A fault probability is between 0 and 1.");
        }

        if (MaxFaults is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFaults), MaxFaults, "MaxFaults cannot be negative.");
        }

        if (Delay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Delay), Delay, "Delay cannot be negative.");
        }

        if (Kind == StoreFaultKind.Outage)
        {
            throw new ArgumentException("Outages are switched on and off with StartOutage/EndOutage, not injected by a rule.", nameof(Kind));
        }
    }
}
