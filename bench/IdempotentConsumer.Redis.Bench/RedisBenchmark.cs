using IdempotentConsumer.Bench.StoreBench;
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
        var warmup = BenchRecord.Many($"{run}-warmup", warmupRecords);
        await TimeExecutorAsync("warmup", warmup, executor);
        await TimeExecutorAsync("warmup", warmup, executor);
        await TimeStoreAsync("warmup", BenchRecord.Many($"{run}-warmup-store", warmupRecords));

        var timed = BenchRecord.Many(run, records);
        return
        [
            await TimeExecutorAsync("new", timed, executor),
            await TimeExecutorAsync("duplicate", timed, executor),
            await TimeStoreAsync("store begin+complete", BenchRecord.Many($"{run}-store", records)),
        ];
    }

    private Task<PhaseResult> TimeExecutorAsync(string name, IReadOnlyList<BenchRecord> batch, IdempotencyExecutor executor)
    {
        var executionsBefore = Volatile.Read(ref _executions);
        return PhaseTimer.TimeAsync(name, batch, concurrency, async record =>
        {
            var result = await executor.ExecuteAsync(record, Handle);
            if (result.Processed != record.MessageId)
            {
                throw new InvalidOperationException($"Record {record.MessageId} got the result of {result.Processed}.");
            }
        }, () => Volatile.Read(ref _executions) - executionsBefore);
    }

    private Task<PhaseResult> TimeStoreAsync(string name, IReadOnlyList<BenchRecord> batch) =>
        PhaseTimer.TimeAsync(name, batch, concurrency, async record =>
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

    private BenchResult Handle(BenchRecord record)
    {
        Interlocked.Increment(ref _executions);
        return new BenchResult(record.MessageId, record.Body.Length);
    }
}
