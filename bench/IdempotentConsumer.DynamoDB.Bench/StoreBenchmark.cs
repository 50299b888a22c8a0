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
internal sealed class StoreBenchmark(BenchSettings settings)
{
    private int _executions;

    public async Task<IReadOnlyList<PhaseResult>> RunAsync(Func<AwsCallCounter, IAmazonDynamoDB> createClient)
    {
        var counter = new AwsCallCounter();
        using var client = createClient(counter);
        var tableOptions = new DynamoDbIdempotencyStoreOptions { TableName = "idempotency-bench" };
        await DynamoDbIdempotencyTable.CreateIfNotExistsAsync(client, tableOptions);
        var store = new DynamoDbIdempotencyStore(client, tableOptions);
        var run = Guid.NewGuid().ToString("N")[..8];

        var plain = new IdempotencyExecutor(store, Options(useCache: false));
        var cached = new IdempotencyExecutor(store, Options(useCache: true));

        // Warm up the JIT, the connection pool and the emulator on records that are not timed.
        var warmup = Records($"{run}-warmup", settings.WarmupRecords);
        await TimeAsync("warmup", warmup, plain, counter);
        await TimeAsync("warmup", warmup, plain, counter);

        var records = Records(run, settings.Records);
        var results = new List<PhaseResult>
        {
            await TimeAsync("new", records, plain, counter),
            await TimeAsync("duplicate (store)", records, plain, counter),
        };

        var cachedRecords = Records($"{run}-cached", settings.Records);
        await TimeAsync("fill cache", cachedRecords, cached, counter);
        results.Add(await TimeAsync("duplicate (cache hit)", cachedRecords, cached, counter));
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

    private async Task<PhaseResult> TimeAsync(string name, IReadOnlyList<BenchRecord> records, IdempotencyExecutor executor, AwsCallCounter counter)
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
