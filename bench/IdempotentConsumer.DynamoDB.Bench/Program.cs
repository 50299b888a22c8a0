using System.Globalization;
using Amazon.DynamoDBv2;
using IdempotentConsumer.DynamoDB.Bench;
using IdempotentConsumer.TestInfrastructure;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using IdempotentConsumer.TestInfrastructure.Instrumentation;

// Throughput and round trips of the DynamoDB store, on DynamoDB Local and dynalite started here, side by
// side with the Powertools TypeScript peer on the same emulator. A harness, not a timed test.
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
Console.WriteLine($"N = {settings.Records}, concurrency = {settings.Concurrency}, warm-up = {settings.WarmupRecords}, rounds = {settings.Rounds}, "
    + $"{Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()}");
Console.WriteLine(settings.PeerDirectory is null ? "peer: not run (no --peer and no ../shared/bench/ts-powertools)" : $"peer: {settings.PeerDirectory}");
var rows = new List<string>();
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

        AmazonDynamoDBClient CreateClient(AwsCallCounter counter)
        {
            var config = new AmazonDynamoDBConfig { ServiceURL = endpoint, AuthenticationRegion = AwsTestCredentials.Region };
            counter.Attach(config);
            return new AmazonDynamoDBClient(AwsTestCredentials.Credentials, config);
        }

        if (settings.RawProbe)
        {
            using var rawClient = CreateClient(new AwsCallCounter());
            await RawCallProbe.RunAsync(rawClient, settings);
        }

        if (settings.Batch)
        {
            ok &= await BatchRoundsAsync(settings, CreateClient);
            continue;
        }

        // Alternate who goes first, so neither side alone profits from a JVM or a table warmed by the other.
        var ourRounds = new List<IReadOnlyList<PhaseResult>>();
        var peerRounds = new List<PeerResult>();
        for (var round = 1; round <= settings.Rounds; round++)
        {
            var peerFirst = round % 2 == 1;
            if (peerFirst)
            {
                await RunPeerAsync(round);
            }

            var ours = await new StoreBenchmark(settings).RunAsync(CreateClient);
            foreach (var phase in ours)
            {
                Console.WriteLine($"   [{round}] ours  {phase.Name,-22} {phase.RecordsPerSecond,8:0} records/s  {phase.CallsPerRecord,4:0.##} calls/record ({phase.CallBreakdown})  "
                    + $"client CPU {phase.ClientCpuMicrosecondsPerRecord,5:0} µs/record  handler runs {phase.Executions}");
            }

            ok &= ours.Select(p => p.Executions).SequenceEqual([settings.Records, 0, 0]);
            ourRounds.Add(ours);
            if (!peerFirst)
            {
                await RunPeerAsync(round);
            }
        }

        async Task RunPeerAsync(int round)
        {
            if (settings.PeerDirectory is null)
            {
                return;
            }

            var peer = await PeerRunner.RunAsync(settings.PeerDirectory, endpoint, settings);
            Console.WriteLine($"   [{round}] peer  {peer.Peer}: new {peer.NewPerSecond:0} records/s, duplicates {peer.DuplicatesPerSecond:0} records/s, "
                + $"correctness {peer.Correctness}, client CPU ~{peer.ProcessCpu.TotalMicroseconds / (2.0 * settings.Records):0} µs/record (whole run ÷ 2N)");
            ok &= peer.Correctness;
            peerRounds.Add(peer);
        }

        // Best round of each side: the machine is shared, so the best round is the least disturbed one.
        var bestNew = ourRounds.Max(r => r[0].RecordsPerSecond);
        var bestDuplicate = ourRounds.Max(r => r[1].RecordsPerSecond);
        var bestCacheHit = ourRounds.Max(r => r[2].RecordsPerSecond);
        var calls = ourRounds[^1];
        var peerColumns = peerRounds.Count == 0
            ? "n/a | n/a | n/a |"
            : FormattableString.Invariant(
                $"{peerRounds.Max(p => p.NewPerSecond):0} | {peerRounds.Max(p => p.DuplicatesPerSecond):0} | {bestNew / peerRounds.Max(p => p.NewPerSecond):0.0}x / {bestDuplicate / peerRounds.Max(p => p.DuplicatesPerSecond):0.0}x |");
        rows.Add(FormattableString.Invariant(
            $"| {name} | {bestNew:0} | {bestDuplicate:0} | {bestCacheHit:0} | {calls[0].CallsPerRecord:0.##} / {calls[1].CallsPerRecord:0.##} / {calls[2].CallsPerRecord:0.##} | ") + peerColumns);
    }
    finally
    {
        if (fixture is not null)
        {
            await fixture.DisposeAsync();
        }
    }
}

if (rows.Count == 0)
{
    return ok ? 0 : 1;
}

Console.WriteLine();
Console.WriteLine($"best of {settings.Rounds} rounds, load average at the end {LoadAverage()}");
Console.WriteLine("| backend | ours new rec/s | ours duplicate rec/s | ours cache-hit rec/s | calls per record new / duplicate / cache hit | peer new rec/s | peer duplicate rec/s | ours ÷ peer new / duplicate |");
Console.WriteLine("| --- | ---: | ---: | ---: | --- | ---: | ---: | --- |");
rows.ForEach(Console.WriteLine);
Console.WriteLine(ok ? "correctness: every record's handler ran exactly once (ours and peer)" : "correctness: FAILED (see handler runs above)");
return ok ? 0 : 1;

// Every phase of one round runs back to back on the same client and table, so the phases of a round are paired:
// the ratios are taken per round, then their median is reported with the rounds' spread.
static async Task<bool> BatchRoundsAsync(BenchSettings settings, Func<AwsCallCounter, AmazonDynamoDBClient> createClient)
{
    var rounds = new List<IReadOnlyList<PhaseResult>>();
    for (var round = 1; round <= settings.Rounds; round++)
    {
        var phases = await new BatchBenchmark(settings).RunAsync(createClient);
        foreach (var phase in phases)
        {
            Console.WriteLine($"   [{round}] {phase.Name,-26} {phase.RecordsPerSecond,8:0} records/s  {phase.CallsPerRecord * 10,5:0.##} calls/10 records ({phase.CallBreakdown})  "
                + $"client CPU {phase.ClientCpuMicrosecondsPerRecord,5:0} µs/record  handler runs {phase.Executions}");
        }

        rounds.Add(phases);
    }

    static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    Console.WriteLine();
    Console.WriteLine($"median of {rounds.Count} rounds (min-max), load average {LoadAverage()}");
    Console.WriteLine("| phase | records/s | calls per 10 records | client CPU µs/record |");
    Console.WriteLine("| --- | ---: | ---: | ---: |");
    foreach (var name in rounds[0].Select(p => p.Name))
    {
        var runs = rounds.Select(r => r.Single(p => p.Name == name)).ToArray();
        Console.WriteLine(FormattableString.Invariant(
            $"| {name} | {Median(runs.Select(p => p.RecordsPerSecond)):0} ({runs.Min(p => p.RecordsPerSecond):0}-{runs.Max(p => p.RecordsPerSecond):0}) | {Median(runs.Select(p => p.CallsPerRecord * 10)):0.##} | {Median(runs.Select(p => p.ClientCpuMicrosecondsPerRecord)):0} |"));
    }

    void Ratio(string label, string after, string before)
    {
        var ratios = rounds.Select(r => r.Single(p => p.Name == after).RecordsPerSecond / r.Single(p => p.Name == before).RecordsPerSecond).ToArray();
        Console.WriteLine(FormattableString.Invariant($"{label}: median of per-round ratios {Median(ratios):0.00}x ({ratios.Min():0.00}-{ratios.Max():0.00})"));
    }

    Ratio("duplicates, pre-check Auto ÷ Never", "batch duplicate (Auto)", "batch duplicate (Never)");
    Ratio("new, pre-check Auto ÷ Never", "batch new (Auto)", "batch new (Never)");
    Ratio("new, pre-check Always ÷ Never", "batch new (Always)", "batch new (Never)");
    Ratio("new, transactional one-call ÷ two-call batch (Never)", "transactional new", "batch new (Never)");

    var expected = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["batch new (Never)"] = settings.Records, ["batch new (Auto)"] = settings.Records, ["batch new (Always)"] = settings.Records, ["transactional new"] = settings.Records,
        // One-call mode runs the handler before the commit decides: a duplicate's run is discarded with its writes.
        ["transactional duplicate"] = settings.Records,
    };
    var correct = rounds.All(r => r.All(p => p.Executions == expected.GetValueOrDefault(p.Name)));
    Console.WriteLine(correct ? "correctness: every record's handler ran exactly once" : "correctness: FAILED (see handler runs above)");
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
