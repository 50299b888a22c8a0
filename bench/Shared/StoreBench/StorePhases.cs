using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Bench.StoreBench;

/// <summary>
/// The phases every store bench times alike: the executor on first deliveries (begin + handler + complete) and on
/// completed duplicates (one begin that loses and replays), and the bare store (begin + complete, no executor).
/// Counts handler runs, so a phase reports how many records really ran.
/// </summary>
internal sealed class StorePhases(IIdempotencyStore store, int concurrency)
{
    private int _executions;

    /// <summary>The options every store bench's executor uses: a key from the message id, no local cache.</summary>
    public static IdempotencyOptions ExecutorOptions() => new()
    {
        KeyPrefix = "bench",
        KeySource = IdempotencyKeySource.From<BenchRecord>(record => record.MessageId),
        RecordExpiry = TimeSpan.FromHours(1),
        InProgressLease = TimeSpan.FromSeconds(30),
        UseLocalCache = false,
    };

    /// <summary>Handler runs so far, for a phase's executions count.</summary>
    public int Executions => Volatile.Read(ref _executions);

    /// <summary>Records one handler run; for a bench's own handlers.</summary>
    public void CountExecution() => Interlocked.Increment(ref _executions);

    /// <summary>Times <paramref name="executor"/> over <paramref name="batch"/>, checking each record gets its own result.</summary>
    public Task<PhaseResult> TimeExecutorAsync(string name, IReadOnlyList<BenchRecord> batch, IdempotencyExecutor executor)
    {
        var executionsBefore = Executions;
        return PhaseTimer.TimeAsync(name, batch, concurrency, async record =>
        {
            var result = await executor.ExecuteAsync(record, Handle);
            if (result.Processed != record.MessageId)
            {
                throw new InvalidOperationException($"Record {record.MessageId} got the result of {result.Processed}.");
            }
        }, () => Executions - executionsBefore);
    }

    /// <summary>Times the store's own begin + complete over <paramref name="batch"/>, records that must all be new.</summary>
    public Task<PhaseResult> TimeStoreAsync(string name, IReadOnlyList<BenchRecord> batch) =>
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
        CountExecution();
        return new BenchResult(record.MessageId, record.Body.Length);
    }
}
