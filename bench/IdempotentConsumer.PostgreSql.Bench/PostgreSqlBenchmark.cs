using System.Text.Json;
using IdempotentConsumer.Bench.StoreBench;
using IdempotentConsumer.Execution;
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
    private readonly StorePhases _phases = new(store, concurrency);

    public async Task<IReadOnlyList<PhaseResult>> RunAsync()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var options = StorePhases.ExecutorOptions();
        var executor = new IdempotencyExecutor(store, options);
        var inbox = new MessagePipelineBuilder<BenchRecord>()
            .UseIdempotency(new IdempotencyExecutor(store, options.Clone()))
            .UsePostgreSqlInbox(store)
            .Build(InsertRowAsync);

        // Warm up the JIT, the pool and the server's plan caches on records that are not timed.
        var warmup = BenchRecord.Many($"{run}-warmup", warmupRecords);
        await _phases.TimeExecutorAsync("warmup", warmup, executor);
        await _phases.TimeExecutorAsync("warmup", warmup, executor);
        await _phases.TimeStoreAsync("warmup", BenchRecord.Many($"{run}-warmup-store", warmupRecords));
        await TimeInboxAsync("warmup", BenchRecord.Many($"{run}-warmup-inbox", warmupRecords), inbox);

        var timed = BenchRecord.Many(run, records);
        return
        [
            await _phases.TimeExecutorAsync("new", timed, executor),
            await _phases.TimeExecutorAsync("duplicate", timed, executor),
            await _phases.TimeStoreAsync("store begin+complete", BenchRecord.Many($"{run}-store", records)),
            await TimeInboxAsync("inbox new (+1 row)", BenchRecord.Many($"{run}-inbox", records), inbox),
        ];
    }

    private Task<PhaseResult> TimeInboxAsync(string name, IReadOnlyList<BenchRecord> batch, MessagePipeline<BenchRecord> pipeline)
    {
        var executionsBefore = _phases.Executions;
        return PhaseTimer.TimeAsync(name, batch, concurrency, async record =>
        {
            var incoming = new IncomingMessage { MessageId = record.MessageId, Body = JsonSerializer.Serialize(record, BenchJson.Options) };
            var result = await pipeline.ProcessAsync(incoming, NoServices);
            if (result.Status != MessageProcessingStatus.Succeeded)
            {
                throw new InvalidOperationException($"Record {record.MessageId} ended {result.Status}: {result.Error}");
            }
        }, () => _phases.Executions - executionsBefore);
    }

    private async ValueTask InsertRowAsync(BenchRecord record, MessageContext<BenchRecord> context, CancellationToken cancellationToken)
    {
        _phases.CountExecution();
        await using var insert = context.GetPostgreSqlInbox().CreateCommand($"INSERT INTO {businessTable} (message_id, body) VALUES ($1, $2)");
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.MessageId });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.Body });
        await insert.ExecuteNonQueryAsync(cancellationToken);
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
