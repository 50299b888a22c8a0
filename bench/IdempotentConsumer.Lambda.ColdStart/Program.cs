using System.Diagnostics;
using System.Globalization;
using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.DynamoDB;
using IdempotentConsumer.Lambda.ColdStart;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.TestInfrastructure;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using IdempotentConsumer.TestInfrastructure.Lambda;

// Cold start of the order-shipping function under the official runtime client, JIT against Native AOT:
// each run starts a fresh process against the Runtime API emulator and times process start -> first batch
// response (10 new orders, recorded in DynamoDB on dynalite, shipped to a local carrier). Best of N.
//
// usage: dotnet run -c Release --project bench/IdempotentConsumer.Lambda.ColdStart -- \
//          --jit examples/OrderShipping.Lambda/bin/Release/net10.0/OrderShipping.Lambda.dll \
//          --aot artifacts/aot/OrderShipping.Lambda/OrderShipping.Lambda [--runs 5]
var options = args.Select((value, index) => (value, index)).Where(a => a.value.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(a => a.value[2..], a => a.index + 1 < args.Length ? args[a.index + 1] : string.Empty, StringComparer.Ordinal);
var runs = options.TryGetValue("runs", out var r) ? int.Parse(r, CultureInfo.InvariantCulture) : 5;
var variants = new List<(string Name, LambdaFunctionLaunch Launch)>();
if (options.TryGetValue("jit", out var dll))
{
    variants.Add(("JIT (dotnet OrderShipping.Lambda.dll)", LambdaFunctionLaunch.ForDll(Path.GetFullPath(dll))));
}

if (options.TryGetValue("aot", out var exe))
{
    variants.Add(("Native AOT (OrderShipping.Lambda)", LambdaFunctionLaunch.ForExecutable(Path.GetFullPath(exe))));
}

if (variants.Count == 0)
{
    Console.Error.WriteLine("usage: --jit <OrderShipping.Lambda.dll> --aot <native executable> [--runs 5]");
    return 2;
}

var dynamo = new DynaliteFixture();
await dynamo.InitializeAsync();
await using var carrier = new StaticCarrier();
await using var emulator = LambdaRuntimeApiEmulator.Start("order-shipping");
var table = "cold-start-" + Guid.NewGuid().ToString("N")[..8];
using (var client = dynamo.CreateDynamoDbClient())
{
    await DynamoDbIdempotencyTable.CreateIfNotExistsAsync(client, new DynamoDbIdempotencyStoreOptions { TableName = table });
    await DynamoDbTables.WaitUntilActiveAsync(client, table);
}

var environment = new Dictionary<string, string>
{
    ["IDEMPOTENCY_TABLE"] = table,
    ["SHIPPING_API_URL"] = carrier.BaseAddress,
    ["AWS_ENDPOINT_URL_DYNAMODB"] = dynamo.ServiceUrl,
    ["AWS_ACCESS_KEY_ID"] = "testAccessKey",
    ["AWS_SECRET_ACCESS_KEY"] = "testSecretKey",
};

var results = new List<(string Name, List<ColdStartSample> Samples)>();
var batch = 0;
foreach (var (name, launch) in variants)
{
    var samples = new List<ColdStartSample>();
    for (var run = 0; run < runs; run++)
    {
        var payload = LambdaSqsJson.Serialize(Batch(++batch));
        var clock = Stopwatch.StartNew();
        await using var function = LambdaFunctionProcess.Start(launch with { Environment = environment }, emulator);
        var result = await emulator.InvokeAsync(payload);
        var elapsed = clock.Elapsed;
        if (!result.Succeeded || result.Body.Contains("itemIdentifier", StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"{name}: the first invocation did not succeed: {result.Outcome} {result.Body}{Environment.NewLine}{function.Output}");
            return 1;
        }

        samples.Add(new ColdStartSample(elapsed, function.PeakResidentBytes()));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} run {run + 1}: {elapsed.TotalMilliseconds:F0} ms, peak RSS {function.PeakResidentBytes() / 1048576.0:F1} MiB"));
    }

    results.Add((name, samples));
}

await dynamo.DisposeAsync();
Console.WriteLine();
Console.WriteLine($"Cold start, best of {runs} (process start -> first batch response of 10 orders through the Runtime API emulator)");
Console.WriteLine("| build | best ms | median ms | peak RSS MiB (at best) |");
Console.WriteLine("| --- | ---: | ---: | ---: |");
foreach (var (name, samples) in results)
{
    var best = samples.MinBy(s => s.ToFirstResponse)!;
    var median = samples.Select(s => s.ToFirstResponse.TotalMilliseconds).Order().ElementAt(samples.Count / 2);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {best.ToFirstResponse.TotalMilliseconds:F0} | {median:F0} | {best.PeakResidentBytes / 1048576.0:F1} |"));
}

if (results.Count == 2)
{
    var ratio = results[1].Samples.Min(s => s.ToFirstResponse) / results[0].Samples.Min(s => s.ToFirstResponse);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"AOT / JIT cold start: {ratio:F2}"));
}

return 0;

static SQSEvent Batch(int batch) => new()
{
    Records = [.. Enumerable.Range(1, 10).Select(i => new SQSEvent.SQSMessage
    {
        MessageId = string.Create(CultureInfo.InvariantCulture, $"m-{batch}-{i}"),
        ReceiptHandle = string.Create(CultureInfo.InvariantCulture, $"h-{batch}-{i}"),
        Body = string.Create(CultureInfo.InvariantCulture, $$"""{"orderId":"ORD-{{batch}}-{{i}}","userId":"USR-1","productId":"SKU-1"}"""),
        EventSource = "aws:sqs",
        EventSourceArn = "arn:aws:sqs:us-east-1:000000000000:orders",
        AwsRegion = "us-east-1",
        Attributes = new Dictionary<string, string> { ["ApproximateReceiveCount"] = "1", ["SentTimestamp"] = "0" },
        MessageAttributes = [],
    })],
};
