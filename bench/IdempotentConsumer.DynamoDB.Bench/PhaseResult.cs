namespace IdempotentConsumer.DynamoDB.Bench;

/// <summary>One timed pass over the records.</summary>
internal sealed record PhaseResult(string Name, int Records, TimeSpan Elapsed, IReadOnlyDictionary<string, int> Calls, int Executions, TimeSpan ClientCpu)
{
    public double RecordsPerSecond => Records / Elapsed.TotalSeconds;

    /// <summary>CPU this process spent per record (all threads): what the client costs the machine besides the emulator.</summary>
    public double ClientCpuMicrosecondsPerRecord => ClientCpu.TotalMicroseconds / Records;

    public double CallsPerRecord => Calls.Values.Sum() / (double)Records;

    public string CallBreakdown => Calls.Count == 0 ? "none" : string.Join(" + ", Calls.Select(c => $"{c.Key} {c.Value / (double)Records:0.##}"));
}
