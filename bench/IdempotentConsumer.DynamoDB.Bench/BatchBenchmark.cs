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
/// redelivered), with the batch pre-check off (Never) and on (Auto / Always), and the one-call transactional mode
/// against the two-call path for new records. <see cref="BenchSettings.Concurrency"/> invocations run at once.
/// </summary>
internal sealed class BatchBenchmark(BenchSettings settings)
{
    private const int BatchSize = 10;
    private static readonly DynamoDbIdempotencyStoreOptions Table = new() { TableName = "idempotency-bench-batch" };
    private static readonly DynamoDbIdempotencyStoreOptions Ledger = new() { TableName = "idempotency-bench-ledger" };
    private int _executions;

    public async Task<IReadOnlyList<PhaseResult>> RunAsync(Func<AwsCallCounter, IAmazonDynamoDB> createClient)
    {
        var counter = new AwsCallCounter();
        using var client = createClient(counter);
        await DynamoDbIdempotencyTable.CreateIfNotExistsAsync(client, Table);
        await DynamoDbIdempotencyTable.CreateIfNotExistsAsync(client, Ledger);
        var store = new DynamoDbIdempotencyStore(client, Table);
        var run = Guid.NewGuid().ToString("N")[..8];
        var results = new List<PhaseResult>();

        await BatchesAsync("warmup", $"{run}-w", settings.WarmupRecords, 1, Processor(store, BatchPrecheckMode.Auto), counter);
        foreach (var mode in new[] { BatchPrecheckMode.Never, BatchPrecheckMode.Auto, BatchPrecheckMode.Always })
        {
            var processor = Processor(store, mode);
            var prefix = $"{run}-{mode}";
            results.Add(await BatchesAsync($"batch new ({mode})", prefix, settings.Records, 1, processor, counter));
            results.Add(await BatchesAsync($"batch duplicate ({mode})", prefix, settings.Records, 2, processor, counter));
        }

        var transactional = new DynamoDbTransactionalExecutor(client, Table, Options());
        results.Add(await TransactionalAsync("transactional new", $"{run}-tx", transactional, counter));
        results.Add(await TransactionalAsync("transactional duplicate", $"{run}-tx", transactional, counter));
        return results;
    }

    private static IdempotencyOptions Options() => new() { KeyPrefix = "bench-batch", RecordExpiry = TimeSpan.FromHours(1), InProgressLease = TimeSpan.FromSeconds(30) };

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

    private async Task<PhaseResult> BatchesAsync(string name, string prefix, int records, int receiveCount, SqsBatchProcessor<BenchRecord> processor, AwsCallCounter counter)
    {
        var batches = Enumerable.Range(0, (records + BatchSize - 1) / BatchSize)
            .Select(b => new SQSEvent
            {
                Records = [.. Enumerable.Range(b * BatchSize, Math.Min(BatchSize, records - (b * BatchSize))).Select(i => Message($"{prefix}-{i}", receiveCount))],
            })
            .ToArray();
        return await TimeAsync(name, records, batches.Length, counter, async b =>
        {
            var result = await processor.ProcessBatchAsync(batches[b], new LocalLambdaContext(TimeSpan.FromMinutes(5), logger: NullLambdaLogger.Instance));
            if (result.Response.BatchItemFailures.Count > 0)
            {
                throw new InvalidOperationException($"{name}: {result.Response.BatchItemFailures.Count} records failed.");
            }
        });
    }

    private async Task<PhaseResult> TransactionalAsync(string name, string prefix, DynamoDbTransactionalExecutor executor, AwsCallCounter counter) =>
        await TimeAsync(name, settings.Records, settings.Records, counter, async i =>
        {
            var id = $"{prefix}-{i}";
            await executor.ExecuteAsync(new IdempotencyInvocation<string>(id), (key, writes, _) =>
            {
                Interlocked.Increment(ref _executions);
                writes.Add(new TransactWriteItem
                {
                    Put = new Put
                    {
                        TableName = Ledger.TableName,
                        Item = new Dictionary<string, AttributeValue> { ["id"] = new() { S = key }, ["body"] = new() { S = "{\"orderId\":1}" } },
                    },
                });
                return ValueTask.FromResult(new BenchResult(key, 13));
            });
        });

    private async Task<PhaseResult> TimeAsync(string name, int records, int units, AwsCallCounter counter, Func<int, Task> unit)
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
