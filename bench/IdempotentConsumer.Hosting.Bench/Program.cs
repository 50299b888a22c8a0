using System.Globalization;
using Amazon.DynamoDBv2;
using IdempotentConsumer.DynamoDB;
using IdempotentConsumer.Hosting.Bench;
using IdempotentConsumer.Hosting.Transport;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Microsoft.Extensions.DependencyInjection;

// Worker throughput on fauxqs against a bare receive→delete loop, in the same run and on the same emulator.
// Usage: dotnet run -c Release --project bench/IdempotentConsumer.Hosting.Bench -- [--messages 5000] [--rounds 3]
//        [--concurrency 10] [--dynamo-concurrency 50] [--no-dynamodb] | --overhead (the worker on an in-process queue: its CPU per message)
var messages = IntArgument("--messages", 5000);
var rounds = IntArgument("--rounds", 3);
var concurrency = IntArgument("--concurrency", 10);
var dynamoConcurrency = IntArgument("--dynamo-concurrency", 50);
var withDynamoDb = !args.Contains("--no-dynamodb");
if (args.Contains("--overhead"))
{
    await Overhead.RunAsync(messages, rounds, concurrency);
    return;
}

var ratios = new List<double>();
var costs = new Dictionary<string, List<(double Self, double Emulator)>> { ["bare receive→delete loop"] = [], ["worker, in-memory store"] = [] };
var results = new Dictionary<string, List<double>> { ["bare receive→delete loop"] = [], ["worker, in-memory store"] = [] };
var fauxqs = new FauxqsFixture();
await fauxqs.InitializeAsync();
var cpu = new CpuCost(fauxqs.Process.ProcessId);
DynamoDbLocalFixture? dynamo = null;
try
{
    using var sqs = new CountingSqsClient(IdempotentConsumer.TestInfrastructure.AwsTestCredentials.Credentials, fauxqs.CreateSqsConfig());
    using var deleted = new DeletedMessages();
    var transport = new AwsSqsTransport(sqs);
    AmazonDynamoDBClient? dynamoClient = null;
    var table = new DynamoDbIdempotencyStoreOptions { TableName = "bench-idempotency" };
    if (withDynamoDb)
    {
        dynamo = new DynamoDbLocalFixture();
        await dynamo.InitializeAsync();
        dynamoClient = dynamo.CreateDynamoDbClient();
        await DynamoDbIdempotencyTable.CreateIfNotExistsAsync(dynamoClient, table);
    }

    void InMemory(IServiceCollection services) => services.AddSingleton<IIdempotencyStore>(new InMemoryIdempotencyStore());
    void DynamoDb(IServiceCollection services)
    {
        services.AddSingleton<IAmazonDynamoDB>(dynamoClient!);
        services.AddDynamoDbIdempotencyStore(o => o.TableName = table.TableName);
    }

    Console.WriteLine($"fauxqs at {fauxqs.ServiceUrl}{(dynamo is null ? "" : $", DynamoDB Local at {dynamo.ServiceUrl}")}; {messages} messages per run, {rounds} rounds, worker concurrency {concurrency} (DynamoDB run {dynamoConcurrency}), {Environment.ProcessorCount} cores");

    // Warm-up: JIT, connection pools, the emulators' own warm-up; not reported.
    await BareLoop.DrainAsync(sqs, await Queues.CreateFilledAsync(sqs, "warm-bare", 500), 500);
    await WorkerRun.DrainAsync(transport, await Queues.CreateFilledAsync(sqs, "warm-worker", 500), 500, concurrency, "warm-memory", deleted, InMemory);
    if (withDynamoDb)
    {
        await WorkerRun.DrainAsync(transport, await Queues.CreateFilledAsync(sqs, "warm-dynamo", 500), 500, dynamoConcurrency, "warm-dynamo", deleted, DynamoDb);
    }

    if (withDynamoDb)
    {
        results["worker, DynamoDB Local store"] = [];
    }

    for (var round = 1; round <= rounds; round++)
    {
        // Alternate which run goes first, so a machine getting busier or quieter does not favour one of them.
        var runs = new List<Func<Task>> { BareAsync, MemoryAsync };
        if (round % 2 == 0)
        {
            runs.Reverse();
        }

        foreach (var run in runs)
        {
            await run();
        }

        if (withDynamoDb)
        {
            await DynamoAsync();
        }

        ratios.Add(results["worker, in-memory store"][^1] / results["bare receive→delete loop"][^1]);
        Console.WriteLine($"round {round}: " + string.Join(", ", results.Select(r => $"{r.Key} {r.Value[^1]:F0} msg/s")) + $"; in-memory worker / bare = {ratios[^1]:F2}");

        async Task BareAsync()
        {
            var queue = await Queues.CreateFilledAsync(sqs, "bare", messages);
            sqs.TakeCounts();
            cpu.Start();
            Record("bare receive→delete loop", await BareLoop.DrainAsync(sqs, queue, messages), messages);
            Cost("bare receive→delete loop");
            Calls(sqs, "bare receive→delete loop");
        }

        async Task MemoryAsync()
        {
            var queue = await Queues.CreateFilledAsync(sqs, "memory", messages);
            sqs.TakeCounts();
            cpu.Start();
            var (elapsed, handled) = await WorkerRun.DrainAsync(transport, queue, messages, concurrency, $"memory-{round}", deleted, InMemory);
            Check(handled);
            Record("worker, in-memory store", elapsed, messages);
            Cost("worker, in-memory store");
            Calls(sqs, "worker, in-memory store");
        }

        async Task DynamoAsync()
        {
            var queue = await Queues.CreateFilledAsync(sqs, "dynamo", messages);
            sqs.TakeCounts();
            var (elapsed, handled) = await WorkerRun.DrainAsync(transport, queue, messages, dynamoConcurrency, $"dynamo-{round}", deleted, DynamoDb);
            Check(handled);
            Record("worker, DynamoDB Local store", elapsed, messages);
            Calls(sqs, "worker, DynamoDB Local store");
        }
    }

    var baseline = Median(results["bare receive→delete loop"]);
    Console.WriteLine();
    Console.WriteLine("| run | messages/s (median) | vs. bare loop |");
    Console.WriteLine("| --- | ---: | ---: |");
    foreach (var (name, values) in results)
    {
        var median = Median(values);
        Console.WriteLine($"| {name} | {median:F0} | {median / baseline:F2}× |");
    }

    var bareCost = Median(costs["bare receive→delete loop"].Select(c => c.Self + c.Emulator).ToList());
    var workerCost = Median(costs["worker, in-memory store"].Select(c => c.Self + c.Emulator).ToList());
    Console.WriteLine();
    Console.WriteLine("| run | CPU µs/message, bench process | CPU µs/message, fauxqs |");
    Console.WriteLine("| --- | ---: | ---: |");
    foreach (var (name, values) in costs)
    {
        Console.WriteLine($"| {name} | {Median(values.Select(v => v.Self).ToList()):F1} | {Median(values.Select(v => v.Emulator).ToList()):F1} |");
    }

    Console.WriteLine($"CPU-bound estimate (bare loop CPU per message / in-memory worker CPU per message, both processes): {bareCost / workerCost:F2}×");
    Console.WriteLine($"median of the per-round ratios (in-memory worker / bare loop, each pair run back to back): {Median(ratios):F2}×");
    dynamoClient?.Dispose();
}
finally
{
    if (dynamo is not null)
    {
        await dynamo.DisposeAsync();
    }

    await fauxqs.DisposeAsync();
}

void Record(string name, TimeSpan elapsed, int count) => results[name].Add(count / elapsed.TotalSeconds);

void Cost(string name) => costs[name].Add(cpu!.PerMessage(messages));

void Calls(CountingSqsClient client, string name)
{
    var (receives, received, deletes, visibility) = client.TakeCounts();
    Console.WriteLine($"  {name}: {receives} receives ({(double)received / Math.Max(1, receives):F1} messages each), {deletes} delete batches, {visibility} visibility changes");
}

void Check(long handled)
{
    if (handled != messages)
    {
        throw new InvalidOperationException($"The handler ran {handled} times for {messages} messages.");
    }
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

int IntArgument(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
