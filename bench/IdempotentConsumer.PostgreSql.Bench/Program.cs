using System.Globalization;
using IdempotentConsumer.Bench.StoreBench;
using IdempotentConsumer.PostgreSql;
using IdempotentConsumer.PostgreSql.Bench;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Npgsql;

// Throughput and latency of the PostgreSQL store on a PostgreSQL 15 started here (initdb in a temporary directory,
// loopback, fsync off), or on a given server. A harness, not a timed test. Usage: [--n 3000] [--concurrency 16]
// [--warmup 500] [--rounds 5] [--connection "Host=...;Username=...;..."]
string? connection = null;
StoreBenchArguments arguments;
try
{
    arguments = StoreBenchArguments.Parse(args, defaultRecords: 3000, (name, value) =>
    {
        if (name != "--connection")
        {
            return false;
        }

        connection = value();
        return true;
    });
}
catch (ArgumentException error)
{
    Console.Error.WriteLine(error.Message);
    return 2;
}

var records = arguments.Records;
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
    Console.WriteLine($"{server}; {arguments}");
    await using var dataSource = NpgsqlDataSource.Create(connection!);
    var table = $"bench_records_{Guid.NewGuid():N}";
    var businessTable = $"bench_shipments_{Guid.NewGuid():N}";
    await using (var create = dataSource.CreateCommand($"CREATE TABLE {businessTable} (message_id text NOT NULL, body text NOT NULL)"))
    {
        await create.ExecuteNonQueryAsync();
    }

    await using var store = new PostgreSqlIdempotencyStore(dataSource, new PostgreSqlIdempotencyStoreOptions { TableName = table });
    await store.EnsureSchemaAsync();
    var report = new RoundsReport();
    var ok = true;
    for (var round = 1; round <= arguments.Rounds; round++)
    {
        var phases = await new PostgreSqlBenchmark(store, businessTable, records, arguments.Concurrency, arguments.Warmup).RunAsync();
        report.Add(round, phases);
        ok &= phases[0].Executions == records && phases[1].Executions == 0 && phases[3].Executions == records;
    }

    report.PrintSummary();
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
