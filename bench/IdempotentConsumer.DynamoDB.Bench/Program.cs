using System.Globalization;
using Amazon.DynamoDBv2;
using IdempotentConsumer.DynamoDB.Bench;
using IdempotentConsumer.TestInfrastructure;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using IdempotentConsumer.TestInfrastructure.Instrumentation;

// Throughput, round trips and client CPU of the DynamoDB store on DynamoDB Local and dynalite started here, in paired
// rounds with the Powertools TypeScript peer and the emulator's ceiling (the bare SDK sending the same requests).
// Every side warms up in the process that is timed, then the sides take turns round by round; ratios are taken per
// round and their median reported with the rounds' spread. A harness, not a timed test.
BenchSettings settings;
try
{
    settings = BenchSettings.Parse(args);
}
catch (ArgumentException error)
{
    Console.Error.WriteLine(error.Message);
    return 2;
}

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var started = DateTimeOffset.UtcNow;
Console.WriteLine($"N = {settings.Records}, concurrency = {settings.Concurrency}, warm-up = {settings.WarmupRecords} records per side, rounds = {settings.Rounds}, "
    + $"{Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()}");
Console.WriteLine(settings.PeerDirectory is null ? "peer: not run (no --peer and no installed tests/infra/powertools-peer)" : $"peer: node bench-peer.mjs in {settings.PeerDirectory}");
var tables = new List<string>();
var ok = true;

foreach (var backend in settings.Backends)
{
    DynamoDbEmulatorFixture? fixture = backend switch
    {
        "dynamodb-local" => new DynamoDbLocalFixture(),
        "dynalite" => new DynaliteFixture(),
        "endpoint" => null,
        _ => throw new ArgumentException($"Unknown backend '{backend}'."),
    };

    try
    {
        if (fixture is not null)
        {
            await fixture.InitializeAsync();
        }

        var endpoint = fixture?.ServiceUrl ?? settings.Endpoint!;
        var name = fixture?.BackendName ?? endpoint;
        Console.WriteLine();
        Console.WriteLine($"== {name} at {endpoint}");

        // One client per side for the whole run, as an application holds one: a client per call or per round would
        // time the SDK's start-up and a cold connection pool.
        AmazonDynamoDBClient CreateClient(AwsCallCounter counter)
        {
            var config = new AmazonDynamoDBConfig { ServiceURL = endpoint, AuthenticationRegion = AwsTestCredentials.Region };
            counter.Attach(config);
            return new AmazonDynamoDBClient(AwsTestCredentials.Credentials, config);
        }

        ok &= settings.Batch
            ? await BatchRoundsAsync(name, endpoint, CreateClient, transactions: backend != "dynalite")
            : await StoreRoundsAsync(name, endpoint, CreateClient);
    }
    finally
    {
        if (fixture is not null)
        {
            await fixture.DisposeAsync();
        }
    }
}

Console.WriteLine();
Console.WriteLine($"{settings.Rounds} paired rounds per backend after a warm-up of {settings.WarmupRecords} records per side (new, then as duplicates); "
    + $"load average at the end {LoadAverage()}; took {(DateTimeOffset.UtcNow - started).TotalMinutes:0.0} min");
Console.WriteLine("rec/s and client CPU: min / median / max over the rounds; ratios: median of the per-round ratios (min–max)");
tables.ForEach(Console.WriteLine);
Console.WriteLine(ok ? "correctness: every record's handler ran exactly once (ours and peer)" : "correctness: FAILED (see handler runs above)");
return ok ? 0 : 1;

async Task<bool> StoreRoundsAsync(string name, string endpoint, Func<AwsCallCounter, AmazonDynamoDBClient> createClient)
{
    var counter = new AwsCallCounter();
    using var client = createClient(counter);
    using var ceilingClient = createClient(new AwsCallCounter());
    var ours = new StoreBenchmark(client, counter, settings);
    var ceiling = new CeilingBenchmark(ceilingClient, settings, StoreBenchmark.TableName);
    await ours.WarmUpAsync();
    await ceiling.RunAsync("warmup", settings.WarmupRecords);
    await using var peer = settings.PeerDirectory is null ? null : await PeerSession.StartAsync(settings.PeerDirectory, endpoint, settings, batch: false);
    Console.WriteLine($"   warmed up: ours, ceiling{(peer is null ? string.Empty : $", peer ({peer.Name})")}");
    if (settings.RawProbe)
    {
        using var rawClient = createClient(new AwsCallCounter());
        await RawCallProbe.RunAsync(rawClient, settings);
    }

    var ourRounds = new List<IReadOnlyList<PhaseResult>>();
    var peerRounds = new List<PeerRound>();
    var ceilingRounds = new List<(PhaseResult New, PhaseResult Duplicate)>();
    var correct = true;
    for (var round = 1; round <= settings.Rounds; round++)
    {
        // Rotate who goes first, so that no side alone runs right after the emulator's pauses or on a table the others just grew.
        var turns = new Func<Task>[] { OursAsync, PeerAsync, CeilingAsync };
        for (var turn = 0; turn < turns.Length; turn++)
        {
            await turns[(round - 1 + turn) % turns.Length]();
        }

        async Task OursAsync()
        {
            var phases = await ours.RoundAsync(round);
            foreach (var phase in phases)
            {
                Console.WriteLine($"   [{round}] ours     {phase.Name,-22} {phase.RecordsPerSecond,8:0} rec/s  {phase.CallsPerRecord,4:0.##} calls/record ({phase.CallBreakdown})  "
                    + $"client CPU {phase.ClientCpuMicrosecondsPerRecord,5:0} µs/record  handler runs {phase.Executions}");
            }

            correct &= phases.Select(p => p.Executions).SequenceEqual([settings.Records, 0, 0]);
            ourRounds.Add(phases);
        }

        async Task PeerAsync()
        {
            if (peer is null)
            {
                return;
            }

            var result = await peer.RoundAsync();
            Console.WriteLine($"   [{round}] peer     new {result.NewPerSecond,8:0} rec/s, client CPU {result.NewCpuMicrosecondsPerRecord,5:0} µs/record; "
                + $"duplicate {result.DuplicatesPerSecond,8:0} rec/s, client CPU {result.DuplicateCpuMicrosecondsPerRecord,5:0} µs/record; correctness {result.Correctness}");
            correct &= result.Correctness;
            peerRounds.Add(result);
        }

        async Task CeilingAsync()
        {
            var result = await ceiling.RunAsync($"r{round}", settings.Records);
            Console.WriteLine($"   [{round}] ceiling  new {result.New.RecordsPerSecond,8:0} rec/s, client CPU {result.New.ClientCpuMicrosecondsPerRecord,5:0} µs/record; "
                + $"duplicate {result.Duplicate.RecordsPerSecond,8:0} rec/s, client CPU {result.Duplicate.ClientCpuMicrosecondsPerRecord,5:0} µs/record");
            ceilingRounds.Add(result);
        }
    }

    double[] Ours(int phase) => [.. ourRounds.Select(r => r[phase].RecordsPerSecond)];
    double[] OursCpu(int phase) => [.. ourRounds.Select(r => r[phase].ClientCpuMicrosecondsPerRecord)];
    double[] Ceiling(bool duplicate) => [.. ceilingRounds.Select(r => (duplicate ? r.Duplicate : r.New).RecordsPerSecond)];
    double[] CeilingCpu(bool duplicate) => [.. ceilingRounds.Select(r => (duplicate ? r.Duplicate : r.New).ClientCpuMicrosecondsPerRecord)];
    double[] Peer(bool duplicate) => [.. peerRounds.Select(r => duplicate ? r.DuplicatesPerSecond : r.NewPerSecond)];
    double[] PeerCpu(bool duplicate) => [.. peerRounds.Select(r => duplicate ? r.DuplicateCpuMicrosecondsPerRecord : r.NewCpuMicrosecondsPerRecord)];

    var table = new List<string>
    {
        string.Empty,
        $"store, {name} (calls per record new / duplicate / cache hit: {ourRounds[^1][0].CallsPerRecord:0.##} / {ourRounds[^1][1].CallsPerRecord:0.##} / {ourRounds[^1][2].CallsPerRecord:0.##})",
        "| path | ours rec/s | peer rec/s | ceiling rec/s | ours ÷ peer | ours ÷ ceiling | client CPU µs/record ours / peer / ceiling (median) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    };
    foreach (var (path, phase, duplicate) in new[] { ("new", 0, false), ("duplicate", 1, true) })
    {
        table.Add($"| {path} | {Spread.MinMedianMax(Ours(phase))} | {Spread.MinMedianMax(Peer(duplicate))} | {Spread.MinMedianMax(Ceiling(duplicate))} | "
            + $"{Spread.Ratio(Ours(phase), Peer(duplicate))} | {Spread.Ratio(Ours(phase), Ceiling(duplicate))} | "
            + $"{Spread.Median(OursCpu(phase)):0} / {(peerRounds.Count == 0 ? "n/a" : Spread.Median(PeerCpu(duplicate)).ToString("0", CultureInfo.InvariantCulture))} / {Spread.Median(CeilingCpu(duplicate)):0} |");
    }

    table.Add($"| duplicate (local cache hit) | {Spread.MinMedianMax(Ours(2))} | n/a | n/a | n/a | n/a | {Spread.Median(OursCpu(2)):0} / n/a / n/a |");
    tables.AddRange(table);
    return correct;
}

// Lambda-shaped: SQS batches of 10, ours through SqsBatchProcessor (each pre-check mode, and the transactional mode),
// the peer through the Powertools batch utility with makeIdempotent, in alternating rounds.
async Task<bool> BatchRoundsAsync(string name, string endpoint, Func<AwsCallCounter, AmazonDynamoDBClient> createClient, bool transactions)
{
    var counter = new AwsCallCounter();
    using var client = createClient(counter);
    var ours = new BatchBenchmark(client, counter, settings, transactions);
    await ours.WarmUpAsync();
    await using var peer = settings.PeerDirectory is null ? null : await PeerSession.StartAsync(settings.PeerDirectory, endpoint, settings, batch: true);
    Console.WriteLine($"   warmed up: ours{(peer is null ? string.Empty : $", peer ({peer.Name})")}");
    var rounds = new List<IReadOnlyList<PhaseResult>>();
    var peerRounds = new List<PeerRound>();
    var correct = true;
    for (var round = 1; round <= settings.Rounds; round++)
    {
        var peerFirst = round % 2 == 0;
        if (peerFirst)
        {
            await PeerAsync();
        }

        var phases = await ours.RoundAsync(round);
        foreach (var phase in phases)
        {
            Console.WriteLine($"   [{round}] ours  {phase.Name,-26} {phase.RecordsPerSecond,8:0} rec/s  {phase.CallsPerRecord * 10,5:0.##} calls/10 records ({phase.CallBreakdown})  "
                + $"client CPU {phase.ClientCpuMicrosecondsPerRecord,5:0} µs/record  handler runs {phase.Executions}");
        }

        // A transactional duplicate is replayed from the pre-check, so its handler does not run either.
        correct &= phases.All(p => p.Executions == (p.Name.Contains("duplicate", StringComparison.Ordinal) ? 0 : settings.Records));
        rounds.Add(phases);
        if (!peerFirst)
        {
            await PeerAsync();
        }

        async Task PeerAsync()
        {
            if (peer is null)
            {
                return;
            }

            var result = await peer.RoundAsync();
            Console.WriteLine($"   [{round}] peer  batch new {result.NewPerSecond,8:0} rec/s, client CPU {result.NewCpuMicrosecondsPerRecord,5:0} µs/record; "
                + $"batch duplicate {result.DuplicatesPerSecond,8:0} rec/s, client CPU {result.DuplicateCpuMicrosecondsPerRecord,5:0} µs/record; correctness {result.Correctness}");
            correct &= result.Correctness;
            peerRounds.Add(result);
        }
    }

    double[] Phase(string phase) => [.. rounds.Select(r => r.Single(p => p.Name == phase).RecordsPerSecond)];
    double[] Peer(bool duplicate) => [.. peerRounds.Select(r => duplicate ? r.DuplicatesPerSecond : r.NewPerSecond)];
    var table = new List<string>
    {
        string.Empty,
        $"Lambda-shaped (SQS batches of 10), {name}",
        "| phase | rec/s | calls per 10 records | client CPU µs/record (median) | ÷ peer (same path) |",
        "| --- | ---: | ---: | ---: | ---: |",
    };
    foreach (var phase in rounds[0].Select(p => p.Name))
    {
        var runs = rounds.Select(r => r.Single(p => p.Name == phase)).ToArray();
        var duplicate = phase.Contains("duplicate", StringComparison.Ordinal);
        table.Add($"| ours {phase} | {Spread.MinMedianMax(Phase(phase))} | {Spread.Median(runs.Select(p => p.CallsPerRecord * 10)):0.##} | "
            + $"{Spread.Median(runs.Select(p => p.ClientCpuMicrosecondsPerRecord)):0} | {Spread.Ratio(Phase(phase), Peer(duplicate))} |");
    }

    if (peerRounds.Count > 0)
    {
        table.Add($"| peer batch new | {Spread.MinMedianMax(Peer(false))} | not counted | {Spread.Median(peerRounds.Select(r => r.NewCpuMicrosecondsPerRecord)):0} | 1 |");
        table.Add($"| peer batch duplicate | {Spread.MinMedianMax(Peer(true))} | not counted | {Spread.Median(peerRounds.Select(r => r.DuplicateCpuMicrosecondsPerRecord)):0} | 1 |");
    }

    table.Add($"pre-check, duplicates Auto ÷ Never: {Spread.Ratio(Phase("batch duplicate (Auto)"), Phase("batch duplicate (Never)"))}; "
        + $"new Auto ÷ Never: {Spread.Ratio(Phase("batch new (Auto)"), Phase("batch new (Never)"))}; new Always ÷ Never: {Spread.Ratio(Phase("batch new (Always)"), Phase("batch new (Never)"))}; "
        + (transactions ? $"transactional new ÷ batch new (Never): {Spread.Ratio(Phase("transactional new"), Phase("batch new (Never)"))}" : "no transactional mode (the emulator has no transactions)"));
    tables.AddRange(table);
    return correct;
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
