using System.Diagnostics;
using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace IdempotentConsumer.DynamoDB.Bench;

/// <summary>
/// The emulator's ceiling for our store: the bare SDK sending the requests the store sends, on a reused client and
/// without the executor, the mapper or the result's serialization. New: the conditional begin PutItem (ALL_OLD on
/// failure), then the conditional UpdateItem that completes it. Duplicate: the same PutItem failing, and where the
/// backend sends no old item (dynalite), the consistent GetItem the store then makes.
/// </summary>
internal sealed class CeilingBenchmark(IAmazonDynamoDB client, BenchSettings settings, string tableName)
{
    private const string BeginCondition =
        "attribute_not_exists(#id) OR #expiry <= :now OR (#status = :inprogress AND attribute_exists(#lease) AND #lease <= :now_ms)";

    private static readonly Dictionary<string, string> BeginNames = new(StringComparer.Ordinal)
    {
        ["#id"] = "id", ["#expiry"] = "expiration", ["#status"] = "status", ["#lease"] = "in_progress_expiration",
    };

    private static readonly Dictionary<string, string> CompleteNames = new(StringComparer.Ordinal)
    {
        ["#status"] = "status", ["#expiry"] = "expiration", ["#lease"] = "in_progress_expiration", ["#data"] = "data", ["#owner"] = "owner_token",
    };

    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    /// <summary>Runs <paramref name="records"/> new, then the same again as duplicates.</summary>
    public async Task<(PhaseResult New, PhaseResult Duplicate)> RunAsync(string prefix, int records)
    {
        var keys = Enumerable.Range(0, records).Select(i => $"ceiling-{_run}-{prefix}-{i}").ToArray();
        var fresh = await TimeAsync("ceiling new", keys, NewAsync);
        var duplicate = await TimeAsync("ceiling duplicate", keys, DuplicateAsync);
        return (fresh, duplicate);
    }

    private async Task NewAsync(string key)
    {
        var owner = Guid.NewGuid().ToString("N");
        if (await BeginAsync(key, owner) is not null)
        {
            throw new InvalidOperationException($"Ceiling: {key} was expected to be new.");
        }

        var now = DateTimeOffset.UtcNow;
        await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = tableName,
            Key = new Dictionary<string, AttributeValue>(1) { ["id"] = new() { S = key } },
            UpdateExpression = "SET #status = :completed, #expiry = :expiry, #data = :data REMOVE #lease",
            ConditionExpression = "#owner = :owner",
            ExpressionAttributeNames = CompleteNames,
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>(4)
            {
                [":completed"] = new() { S = "COMPLETED" },
                [":expiry"] = new() { N = now.AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) },
                [":owner"] = new() { S = owner },
                [":data"] = new() { S = $"{{\"Processed\":\"{key}\",\"Length\":13}}" },
            },
        });
    }

    private async Task DuplicateAsync(string key)
    {
        var old = await BeginAsync(key, Guid.NewGuid().ToString("N"));
        if (old is null)
        {
            throw new InvalidOperationException($"Ceiling: {key} was expected to be a duplicate.");
        }

        if (old.Count == 0)
        {
            var read = await client.GetItemAsync(new GetItemRequest
            {
                TableName = tableName,
                Key = new Dictionary<string, AttributeValue>(1) { ["id"] = new() { S = key } },
                ConsistentRead = true,
            });
            if (read.Item is not { Count: > 0 })
            {
                throw new InvalidOperationException($"Ceiling: {key} vanished.");
            }
        }
    }

    // Null: the put succeeded. Otherwise the old item (empty where the backend sends none).
    private async Task<Dictionary<string, AttributeValue>?> BeginAsync(string key, string owner)
    {
        var now = DateTimeOffset.UtcNow;
        try
        {
            await client.PutItemAsync(new PutItemRequest
            {
                TableName = tableName,
                Item = new Dictionary<string, AttributeValue>(5)
                {
                    ["id"] = new() { S = key },
                    ["status"] = new() { S = "INPROGRESS" },
                    ["expiration"] = new() { N = now.AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) },
                    ["in_progress_expiration"] = new() { N = now.AddSeconds(30).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) },
                    ["owner_token"] = new() { S = owner },
                },
                ConditionExpression = BeginCondition,
                ExpressionAttributeNames = BeginNames,
                ExpressionAttributeValues = new Dictionary<string, AttributeValue>(3)
                {
                    [":now"] = new() { N = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) },
                    [":now_ms"] = new() { N = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) },
                    [":inprogress"] = new() { S = "INPROGRESS" },
                },
                ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
            });
            return null;
        }
        catch (ConditionalCheckFailedException lost)
        {
            return lost.Item ?? [];
        }
    }

    private async Task<PhaseResult> TimeAsync(string name, string[] keys, Func<string, Task> call)
    {
        var next = -1;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, settings.Concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < keys.Length)
            {
                await call(keys[i]);
            }
        })));
        clock.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        return new PhaseResult(name, keys.Length, clock.Elapsed, new Dictionary<string, int>(), 0, cpu);
    }
}
