namespace IdempotentConsumer.Bench.StoreBench;

/// <summary>One timed phase: throughput over the whole phase and the latency of each record's call.</summary>
internal sealed record PhaseResult(string Name, int Records, TimeSpan Elapsed, double P50Milliseconds, double P99Milliseconds, int Executions)
{
    public double RecordsPerSecond => Records / Elapsed.TotalSeconds;
}
