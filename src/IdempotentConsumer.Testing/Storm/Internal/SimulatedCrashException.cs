namespace IdempotentConsumer.Testing.Storm.Internal;

/// <summary>
/// Unwinds an attempt the storm "killed". The harness treats the delivery as a dead process: no delete, no
/// release; the message comes back when its visibility timeout lapses.
/// </summary>
internal sealed class SimulatedCrashException(StormCrashPoint point)
    : Exception($"Simulated consumer crash ({point}).")
{
    public StormCrashPoint Point { get; } = point;
}
