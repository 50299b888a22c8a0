using System.Globalization;
using IdempotentConsumer.Bench.StoreBench;
using IdempotentConsumer.Redis;
using IdempotentConsumer.Redis.Bench;
using IdempotentConsumer.TestInfrastructure.Fixtures;

// Throughput and latency of the Redis store on a redis-server (or Garnet) started here on loopback, or on a given
// server. A harness, not a timed test. Usage: [--n 5000] [--concurrency 16] [--warmup 500] [--rounds 5]
// [--backend redis|garnet | --connection host:port]
var backend = "redis";
string? connection = null;
StoreBenchArguments arguments;
try
{
    arguments = StoreBenchArguments.Parse(args, defaultRecords: 5000, (name, value) =>
    {
        switch (name)
        {
            case "--backend": backend = value(); return true;
            case "--connection": connection = value(); backend = "given"; return true;
            default: return false;
        }
    });
}
catch (ArgumentException error)
{
    Console.Error.WriteLine(error.Message);
    return 2;
}

var records = arguments.Records;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
EmulatorFixture? fixture = backend switch
{
    "redis" => new RedisServerFixture(),
    "garnet" => new GarnetServerFixture(),
    "given" => null,
    _ => throw new ArgumentException($"Unknown backend '{backend}'."),
};

try
{
    if (fixture is not null)
    {
        await fixture.InitializeAsync();
        connection = $"127.0.0.1:{fixture.Port}";
    }

    Console.WriteLine($"{backend} at {connection}; {arguments}");
    await using var store = new RedisIdempotencyStore(new RedisIdempotencyStoreOptions { ConnectionString = connection, KeyPrefix = "bench:" });
    var report = new RoundsReport();
    var ok = true;
    for (var round = 1; round <= arguments.Rounds; round++)
    {
        var phases = await new RedisBenchmark(store, records, arguments.Concurrency, arguments.Warmup).RunAsync();
        report.Add(round, phases);
        ok &= phases[0].Executions == records && phases[1].Executions == 0;
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
