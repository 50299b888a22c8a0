using System.Diagnostics;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Redis.Bench;

/// <summary>
/// Times the executor on the Redis store as the DynamoDB bench does (first deliveries: begin + handler + complete;
/// completed duplicates: one begin that loses and replays), plus the bare store path (begin + complete, no executor),
/// each record's latency recorded for p50/p99.
/// </summary>
internal sealed class RedisBenchmark(RedisIdempotencyStore store, int records, int concurrency, int warmupRecords)
{
    private int _executions;

    public async Task<IReadOnlyList<PhaseResult>> RunAsync()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var executor = new IdempotencyExecutor(store, new IdempotencyOptions
        {
            KeyPrefix = "bench",
            KeySource = IdempotencyKeySource.From<BenchRecord>(record => record.MessageId),
            RecordExpiry = TimeSpan.FromHours(1),
            InProgressLease = TimeSpan.FromSeconds(30),
            UseLocalCache = false,
        });

        // Warm up the JIT, the connection and the script cache on records that are not timed.
        var warmup = Records($"{run}-warmup", warmupRecords);
        await TimeExecutorAsync("warmup", warmup, executor);
        await TimeExecutorAsync("warmup", warmup, executor);
        await TimeStoreAsync("warmup", Records($"{run}-warmup-store", warmupRecords));

        var timed = Records(run, records);
        return
        [
            await TimeExecutorAsync("new", timed, executor),
            await TimeExecutorAsync("duplicate", timed, executor),
            await TimeStoreAsync("store begin+complete", Records($"{run}-store", records)),
        ];
    }

    private Task<PhaseResult> TimeExecutorAsync(string name, IReadOnlyList<BenchRecord> batch, IdempotencyExecutor executor)
    {
        var executionsBefore = Volatile.Read(ref _executions);
        return TimeAsync(name, batch, async record =>
        {
            var result = await executor.ExecuteAsync(record, Handle);
            if (result.Processed != record.MessageId)
            {
                throw new InvalidOperationException($"Record {record.MessageId} got the result of {result.Processed}.");
            }
        }, () => Volatile.Read(ref _executions) - executionsBefore);
    }

    private Task<PhaseResult> TimeStoreAsync(string name, IReadOnlyList<BenchRecord> batch) =>
        TimeAsync(name, batch, async record =>
        {
            var now = TimeProvider.System.GetUtcNow();
            var owner = Guid.NewGuid().ToString("N");
            var begin = await store.TryBeginAsync(new BeginRequest(record.MessageId, owner, now, now.AddHours(1), now.AddSeconds(30), null));
            if (!begin.Acquired)
            {
                throw new InvalidOperationException($"Record {record.MessageId} was not new.");
            }

            await store.CompleteAsync(new CompleteRequest(record.MessageId, owner, now.AddHours(1), record.Body, null));
        }, () => 0);

    private async Task<PhaseResult> TimeAsync(string name, IReadOnlyList<BenchRecord> batch, Func<BenchRecord, Task> call, Func<int> executions)
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

    private BenchResult Handle(BenchRecord record)
    {
        Interlocked.Increment(ref _executions);
        return new BenchResult(record.MessageId, record.Body.Length);
    }

    private static List<BenchRecord> Records(string run, int count) =>
        Enumerable.Range(0, count).Select(i => new BenchRecord($"{run}-{i}", $"{{\"orderId\":{i}}}")).ToList();
}
