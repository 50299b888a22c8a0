using System.Diagnostics;
using Amazon.DynamoDBv2;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.TestInfrastructure.Instrumentation;

namespace IdempotentConsumer.DynamoDB.Bench;

/// <summary>
/// Times our executor + DynamoDB store on one endpoint: first deliveries, completed duplicates (store
/// round trip) and cache hits, with the DynamoDB calls of each path counted on the client.
/// </summary>
internal sealed class StoreBenchmark(IAmazonDynamoDB client, AwsCallCounter counter, BenchSettings settings)
{
    /// <summary>The table of ours and of the ceiling (the peer has its own).</summary>
    public const string TableName = "idempotency-bench";

    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private IdempotencyExecutor? _plain;
    private IdempotencyExecutor? _cached;
    private int _executions;

    /// <summary>Creates the table, then runs the warm-up records new and again as duplicates (untimed).</summary>
    public async Task WarmUpAsync()
    {
        var tableOptions = new DynamoDbIdempotencyStoreOptions { TableName = TableName };
        await DynamoDbIdempotencyTable.CreateIfNotExistsAsync(client, tableOptions);
        var store = new DynamoDbIdempotencyStore(client, tableOptions);
        _plain = new IdempotencyExecutor(store, Options(useCache: false));
        _cached = new IdempotencyExecutor(store, Options(useCache: true));

        // JIT tiers, the connection pool and the emulator reach steady state only after thousands of calls.
        var warmup = Records($"{_run}-warmup", settings.WarmupRecords);
        await TimeAsync("warmup", warmup, _plain);
        await TimeAsync("warmup", warmup, _plain);
    }

    /// <summary>One timed round on fresh records: new, duplicate (store round trip), and cache hit.</summary>
    public async Task<IReadOnlyList<PhaseResult>> RoundAsync(int round)
    {
        var plain = _plain ?? throw new InvalidOperationException("Warm up first.");
        var records = Records($"{_run}-r{round}", settings.Records);
        var results = new List<PhaseResult>
        {
            await TimeAsync("new", records, plain),
            await TimeAsync("duplicate (store)", records, plain),
        };

        var cachedRecords = Records($"{_run}-r{round}-cached", settings.Records);
        await TimeAsync("fill cache", cachedRecords, _cached!);
        results.Add(await TimeAsync("duplicate (cache hit)", cachedRecords, _cached!));
        return results;
    }

    // The same key and lifetimes as the peer: key = messageId, records live 1 h, 30 s in-progress lease.
    private IdempotencyOptions Options(bool useCache) => new()
    {
        KeyPrefix = "bench",
        KeySource = IdempotencyKeySource.From<BenchRecord>(record => record.MessageId),
        RecordExpiry = TimeSpan.FromHours(1),
        InProgressLease = TimeSpan.FromSeconds(30),
        UseLocalCache = useCache,
        LocalCacheMaxItems = Math.Max(settings.Records * 2, 16),
    };

    private async Task<PhaseResult> TimeAsync(string name, IReadOnlyList<BenchRecord> records, IdempotencyExecutor executor)
    {
        counter.Reset();
        var executionsBefore = Volatile.Read(ref _executions);
        var next = -1;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, settings.Concurrency).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < records.Count)
            {
                var record = records[index];
                var result = await executor.ExecuteAsync(record, Handle);
                if (result.Processed != record.MessageId)
                {
                    throw new InvalidOperationException($"Record {record.MessageId} got the result of {result.Processed}.");
                }
            }
        }));
        await Task.WhenAll(workers);
        clock.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        return new PhaseResult(name, records.Count, clock.Elapsed, counter.Snapshot(), Volatile.Read(ref _executions) - executionsBefore, cpu);
    }

    private BenchResult Handle(BenchRecord record)
    {
        Interlocked.Increment(ref _executions);
        return new BenchResult(record.MessageId, record.Body.Length);
    }

    private static List<BenchRecord> Records(string run, int count) =>
        Enumerable.Range(0, count).Select(i => new BenchRecord($"{run}-{i}", $"{{\"orderId\":{i}}}")).ToList();
}
