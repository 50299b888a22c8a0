using System.Diagnostics;

namespace IdempotentConsumer.Bench.StoreBench;

/// <summary>Runs one call per record with a fixed number of callers, timing the phase and every call.</summary>
internal static class PhaseTimer
{
    public static async Task<PhaseResult> TimeAsync(string name, IReadOnlyList<BenchRecord> batch, int concurrency, Func<BenchRecord, Task> call, Func<int> executions)
    {
        var latencies = new double[batch.Count];
        var next = -1;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < batch.Count)
            {
                var started = Stopwatch.GetTimestamp();
                await call(batch[index]);
                latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }));
        await Task.WhenAll(workers);
        clock.Stop();
        Array.Sort(latencies);
        return new PhaseResult(name, batch.Count, clock.Elapsed, Percentile(latencies, 0.50), Percentile(latencies, 0.99), executions());
    }

    private static double Percentile(double[] sorted, double fraction) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(fraction * sorted.Length) - 1)];
}
