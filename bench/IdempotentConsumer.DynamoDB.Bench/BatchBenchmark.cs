using System.Diagnostics;
using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Batching;
using IdempotentConsumer.DynamoDB.Transactions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Lambda.LocalRunner;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.TestInfrastructure.Instrumentation;
using Microsoft.Extensions.Logging.Abstractions;

namespace IdempotentConsumer.DynamoDB.Bench;

/// <summary>
/// Lambda-shaped runs: batches of 10 through the SQS batch processor (first deliveries, then the same records
/// redelivered), with the batch pre-check off (Never) and on (Auto / Always), and the same batches in the one-call
/// transactional mode (<c>HandleTransactionally</c>, pre-check Auto). <see cref="BenchSettings.Concurrency"/> invocations run at once.
/// </summary>
internal sealed class BatchBenchmark(IAmazonDynamoDB client, AwsCallCounter counter, BenchSettings settings, bool transactions)
{
    /// <summary>The phases compared with the peer's batches: the default pre-check (Auto).</summary>
    public const string DefaultNew = "batch new (Auto)";

    /// <inheritdoc cref="DefaultNew"/>
    public const string DefaultDuplicate = "batch duplicate (Auto)";

    private const int BatchSize = 10;
    private static readonly DynamoDbIdempotencyStoreOptions Table = new() { TableName = "idempotency-bench-batch" };
    private static readonly DynamoDbIdempotencyStoreOptions Ledger = new() { TableName = "idempotency-bench-ledger" };
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly Dictionary<BatchPrecheckMode, SqsBatchProcessor<BenchRecord>> _processors = [];
    private SqsBatchProcessor<BenchRecord>? _transactional;
    private int _executions;

    /// <summary>Creates the tables, then runs the warm-up records through the default processor, new then redelivered.</summary>
    public async Task WarmUpAsync()
    {
        await DynamoDbIdempotencyTable.CreateIfNotExistsAsync(client, Table);
        await DynamoDbIdempotencyTable.CreateIfNotExistsAsync(client, Ledger);
        var store = new DynamoDbIdempotencyStore(client, Table);
        foreach (var mode in new[] { BatchPrecheckMode.Never, BatchPrecheckMode.Auto, BatchPrecheckMode.Always })
        {
            _processors[mode] = Processor(store, mode);
        }

        _transactional = TransactionalProcessor(store);
        await BatchesAsync("warmup", $"{_run}-w", settings.WarmupRecords, 1, _processors[BatchPrecheckMode.Auto]);
        await BatchesAsync("warmup", $"{_run}-w", settings.WarmupRecords, 2, _processors[BatchPrecheckMode.Auto]);
    }

    /// <summary>One timed round on fresh records: each pre-check mode new then redelivered, then the transactional mode.</summary>
    public async Task<IReadOnlyList<PhaseResult>> RoundAsync(int round)
    {
        var results = new List<PhaseResult>();
        foreach (var (mode, processor) in _processors)
        {
            var prefix = $"{_run}-r{round}-{mode}";
            results.Add(await BatchesAsync($"batch new ({mode})", prefix, settings.Records, 1, processor));
            results.Add(await BatchesAsync($"batch duplicate ({mode})", prefix, settings.Records, 2, processor));
        }

        // dynalite has no TransactWriteItems.
        if (!transactions)
        {
            return results;
        }

        var transactional = _transactional ?? throw new InvalidOperationException("Warm up first.");
        results.Add(await BatchesAsync("transactional new", $"{_run}-r{round}-tx", settings.Records, 1, transactional));
        results.Add(await BatchesAsync("transactional duplicate", $"{_run}-r{round}-tx", settings.Records, 2, transactional));
        return results;
    }

    private SqsBatchProcessor<BenchRecord> Processor(DynamoDbIdempotencyStore store, BatchPrecheckMode mode) =>
        SqsBatchProcessor.For<BenchRecord>("bench-batch")
            .WithStore(store)
            .WithKey(record => record.MessageId)
            .WithIdempotency(o =>
            {
                o.RecordExpiry = TimeSpan.FromHours(1);
                o.BatchPrecheck = mode;
            })
            .WithoutRetry()
            .WithLoggerFactory(NullLoggerFactory.Instance)
            .Handle((record, _) =>
            {
                Interlocked.Increment(ref _executions);
                return ValueTask.FromResult(new BenchResult(record.MessageId, record.Body.Length));
            });

    private async Task<PhaseResult> BatchesAsync(string name, string prefix, int records, int receiveCount, SqsBatchProcessor<BenchRecord> processor)
    {
        var batches = Enumerable.Range(0, (records + BatchSize - 1) / BatchSize)
            .Select(b => new SQSEvent
            {
                Records = [.. Enumerable.Range(b * BatchSize, Math.Min(BatchSize, records - (b * BatchSize))).Select(i => Message($"{prefix}-{i}", receiveCount))],
            })
            .ToArray();
        return await TimeAsync(name, records, batches.Length, async b =>
        {
            var result = await processor.ProcessBatchAsync(batches[b], new LocalLambdaContext(TimeSpan.FromMinutes(5), logger: NullLambdaLogger.Instance));
            if (result.Response.BatchItemFailures.Count > 0)
            {
                throw new InvalidOperationException($"{name}: {result.Response.BatchItemFailures.Count} records failed.");
            }
        });
    }

    private SqsBatchProcessor<BenchRecord> TransactionalProcessor(DynamoDbIdempotencyStore store) =>
        SqsBatchProcessor.For<BenchRecord>("bench-batch")
            .WithStore(store)
            .WithKey(record => record.MessageId)
            .WithIdempotency(o =>
            {
                o.RecordExpiry = TimeSpan.FromHours(1);
                o.BatchPrecheck = BatchPrecheckMode.Auto;
            })
            .WithoutRetry()
            .WithLoggerFactory(NullLoggerFactory.Instance)
            .HandleTransactionally<DynamoDbTransactWrites>((record, writes, _) =>
            {
                Interlocked.Increment(ref _executions);
                writes.Add(new TransactWriteItem
                {
                    Put = new Put
                    {
                        TableName = Ledger.TableName,
                        Item = new Dictionary<string, AttributeValue> { ["id"] = new() { S = record.MessageId }, ["body"] = new() { S = record.Body } },
                    },
                });
                return ValueTask.CompletedTask;
            });

    private async Task<PhaseResult> TimeAsync(string name, int records, int units, Func<int, Task> unit)
    {
        counter.Reset();
        var executionsBefore = Volatile.Read(ref _executions);
        var next = -1;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, settings.Concurrency).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < units)
            {
                await unit(index);
            }
        })));
        clock.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        return new PhaseResult(name, records, clock.Elapsed, counter.Snapshot(), Volatile.Read(ref _executions) - executionsBefore, cpu);
    }

    private static SQSEvent.SQSMessage Message(string id, int receiveCount) => new()
    {
        MessageId = $"{id}-r{receiveCount}",
        ReceiptHandle = "rh",
        Body = $"{{\"messageId\":\"{id}\",\"body\":\"{{\\\"orderId\\\":1}}\"}}",
        EventSource = "aws:sqs",
        EventSourceArn = "arn:aws:sqs:us-east-1:000000000000:bench",
        Attributes = new Dictionary<string, string> { ["ApproximateReceiveCount"] = receiveCount.ToString(CultureInfo.InvariantCulture) },
        MessageAttributes = [],
    };

    private sealed class NullLambdaLogger : Amazon.Lambda.Core.ILambdaLogger
    {
        public static readonly NullLambdaLogger Instance = new();

        public void Log(string message)
        {
        }

        public void LogLine(string message)
        {
        }
    }
}
