using IdempotentConsumer.Bench.StoreBench;
using IdempotentConsumer.Execution;

namespace IdempotentConsumer.Redis.Bench;

/// <summary>
/// Times the executor on the Redis store as the DynamoDB bench does (first deliveries: begin + handler + complete;
/// completed duplicates: one begin that loses and replays), plus the bare store path (begin + complete, no executor),
/// each record's latency recorded for p50/p99.
/// </summary>
internal sealed class RedisBenchmark(RedisIdempotencyStore store, int records, int concurrency, int warmupRecords)
{
    private readonly StorePhases _phases = new(store, concurrency);

    public async Task<IReadOnlyList<PhaseResult>> RunAsync()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var executor = new IdempotencyExecutor(store, StorePhases.ExecutorOptions());

        // Warm up the JIT, the connection and the script cache on records that are not timed.
        var warmup = BenchRecord.Many($"{run}-warmup", warmupRecords);
        await _phases.TimeExecutorAsync("warmup", warmup, executor);
        await _phases.TimeExecutorAsync("warmup", warmup, executor);
        await _phases.TimeStoreAsync("warmup", BenchRecord.Many($"{run}-warmup-store", warmupRecords));

        var timed = BenchRecord.Many(run, records);
        return
        [
            await _phases.TimeExecutorAsync("new", timed, executor),
            await _phases.TimeExecutorAsync("duplicate", timed, executor),
            await _phases.TimeStoreAsync("store begin+complete", BenchRecord.Many($"{run}-store", records)),
        ];
    }
}
