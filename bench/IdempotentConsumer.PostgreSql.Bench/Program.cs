using System.Globalization;
using IdempotentConsumer.PostgreSql;
using IdempotentConsumer.PostgreSql.Bench;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Npgsql;

// Throughput and latency of the PostgreSQL store on a PostgreSQL 15 started here (initdb in a temporary directory,
// loopback, fsync off), or on a given server. A harness, not a timed test. Usage: [--n 3000] [--concurrency 16]
// [--warmup 500] [--rounds 5] [--connection "Host=...;Username=...;..."]
var records = 3000;
var concurrency = 16;
var warmup = 500;
var rounds = 5;
string? connection = null;
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
    switch (args[i])
    {
        case "--n": records = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--concurrency": concurrency = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--warmup": warmup = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--rounds": rounds = Math.Max(1, int.Parse(Next(), CultureInfo.InvariantCulture)); break;
        case "--connection": connection = Next(); break;
        default: Console.Error.WriteLine($"Unknown argument '{args[i]}'."); return 2;
    }
}

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var fixture = connection is null ? new PostgreSqlServerFixture() : null;
try
{
    if (fixture is not null)
    {
        await fixture.InitializeAsync();
        connection = fixture.ConnectionString;
    }

    var server = fixture is null ? "given server" : $"PostgreSQL on 127.0.0.1:{fixture.Port} (fsync off)";
    Console.WriteLine($"{server}; N = {records}, concurrency = {concurrency}, warm-up = {warmup}, rounds = {rounds}, "
        + $"{Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()}");
    await using var dataSource = NpgsqlDataSource.Create(connection!);
    var table = $"bench_records_{Guid.NewGuid():N}";
    var businessTable = $"bench_shipments_{Guid.NewGuid():N}";
    await using (var create = dataSource.CreateCommand($"CREATE TABLE {businessTable} (message_id text NOT NULL, body text NOT NULL)"))
    {
        await create.ExecuteNonQueryAsync();
    }

    await using var store = new PostgreSqlIdempotencyStore(dataSource, new PostgreSqlIdempotencyStoreOptions { TableName = table });
    await store.EnsureSchemaAsync();
    var results = new List<IReadOnlyList<PhaseResult>>();
    var ok = true;
    for (var round = 1; round <= rounds; round++)
    {
        var phases = await new PostgreSqlBenchmark(store, businessTable, records, concurrency, warmup).RunAsync();
        foreach (var phase in phases)
        {
            Console.WriteLine($"   [{round}] {phase.Name,-22} {phase.RecordsPerSecond,8:0} records/s  p50 {phase.P50Milliseconds,6:0.000} ms  p99 {phase.P99Milliseconds,6:0.000} ms  handler runs {phase.Executions}");
        }

        ok &= phases[0].Executions == records && phases[1].Executions == 0 && phases[3].Executions == records;
        results.Add(phases);
    }

    Console.WriteLine();
    Console.WriteLine($"median of {rounds} rounds (min - max), each after its own warm-up; load average at the end {LoadAverage()}");
    Console.WriteLine("| phase | records/s | p50 ms | p99 ms |");
    Console.WriteLine("| --- | ---: | ---: | ---: |");
    for (var p = 0; p < results[0].Count; p++)
    {
        var phase = results.Select(r => r[p]).ToList();
        Console.WriteLine($"| {phase[0].Name} | {Summary(phase.Select(x => x.RecordsPerSecond), "0")} | {Summary(phase.Select(x => x.P50Milliseconds), "0.000")} | {Summary(phase.Select(x => x.P99Milliseconds), "0.000")} |");
    }

    Console.WriteLine(ok ? "correctness: every record's handler ran exactly once" : "correctness: FAILED (see handler runs above)");
    return ok ? 0 : 1;
}
finally
{
    if (fixture is not null)
    {
        await fixture.DisposeAsync();
    }
}

static string Summary(IEnumerable<double> values, string format)
{
    var sorted = values.Order().ToList();
    var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    return $"{median.ToString(format, CultureInfo.InvariantCulture)} ({sorted[0].ToString(format, CultureInfo.InvariantCulture)} - {sorted[^1].ToString(format, CultureInfo.InvariantCulture)})";
}

static string LoadAverage()
{
    try
    {
        return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
    }
    catch (IOException)
    {
        return "n/a";
    }
}
