using System.Text.Json;
using IdempotentConsumer.Bench.StoreBench;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.PostgreSql.Inbox;
using IdempotentConsumer.Stores;
using Npgsql;

namespace IdempotentConsumer.PostgreSql.Bench;

/// <summary>
/// Times the executor on the PostgreSQL store as the Redis and DynamoDB benches do (first deliveries: begin + handler +
/// complete; completed duplicates: one begin that loses and replays; the bare store path: begin + complete), plus the
/// transactional inbox (the message pipeline with a handler inserting one business row in the inbox transaction), each
/// record's latency recorded for p50/p99. New and duplicate run back to back in every round on the same records.
/// </summary>
internal sealed class PostgreSqlBenchmark(PostgreSqlIdempotencyStore store, string businessTable, int records, int concurrency, int warmupRecords)
{
    private static readonly IServiceProvider NoServices = new EmptyServices();
    private int _executions;

    public async Task<IReadOnlyList<PhaseResult>> RunAsync()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var options = new IdempotencyOptions
        {
            KeyPrefix = "bench",
            KeySource = IdempotencyKeySource.From<BenchRecord>(record => record.MessageId),
            RecordExpiry = TimeSpan.FromHours(1),
            InProgressLease = TimeSpan.FromSeconds(30),
            UseLocalCache = false,
        };
        var executor = new IdempotencyExecutor(store, options);
        var inbox = new MessagePipelineBuilder<BenchRecord>()
            .UseIdempotency(new IdempotencyExecutor(store, options.Clone()))
            .UsePostgreSqlInbox(store)
            .Build(InsertRowAsync);

        // Warm up the JIT, the pool and the server's plan caches on records that are not timed.
        var warmup = BenchRecord.Many($"{run}-warmup", warmupRecords);
        await TimeExecutorAsync("warmup", warmup, executor);
        await TimeExecutorAsync("warmup", warmup, executor);
        await TimeStoreAsync("warmup", BenchRecord.Many($"{run}-warmup-store", warmupRecords));
        await TimeInboxAsync("warmup", BenchRecord.Many($"{run}-warmup-inbox", warmupRecords), inbox);

        var timed = BenchRecord.Many(run, records);
        return
        [
            await TimeExecutorAsync("new", timed, executor),
            await TimeExecutorAsync("duplicate", timed, executor),
            await TimeStoreAsync("store begin+complete", BenchRecord.Many($"{run}-store", records)),
            await TimeInboxAsync("inbox new (+1 row)", BenchRecord.Many($"{run}-inbox", records), inbox),
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

    private Task<PhaseResult> TimeInboxAsync(string name, IReadOnlyList<BenchRecord> batch, MessagePipeline<BenchRecord> pipeline)
    {
        var executionsBefore = Volatile.Read(ref _executions);
        return PhaseTimer.TimeAsync(name, batch, concurrency, async record =>
        {
            var incoming = new IncomingMessage { MessageId = record.MessageId, Body = JsonSerializer.Serialize(record, BenchJson.Options) };
            var result = await pipeline.ProcessAsync(incoming, NoServices);
            if (result.Status != MessageProcessingStatus.Succeeded)
            {
                throw new InvalidOperationException($"Record {record.MessageId} ended {result.Status}: {result.Error}");
            }
        }, () => Volatile.Read(ref _executions) - executionsBefore);
    }

    private async ValueTask InsertRowAsync(BenchRecord record, MessageContext<BenchRecord> context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _executions);
        await using var insert = context.GetPostgreSqlInbox().CreateCommand($"INSERT INTO {businessTable} (message_id, body) VALUES ($1, $2)");
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.MessageId });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.Body });
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    private BenchResult Handle(BenchRecord record)
    {
        Interlocked.Increment(ref _executions);
        return new BenchResult(record.MessageId, record.Body.Length);
    }
}

/// <summary>The bench's handler needs no services.</summary>
internal sealed class EmptyServices : IServiceProvider
{
    public object? GetService(Type serviceType) => null;
}

/// <summary>The serializer options of the inbox phase's message bodies (the pipeline's defaults read them).</summary>
internal static class BenchJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
