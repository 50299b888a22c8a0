using System.Diagnostics;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace IdempotentConsumer.DynamoDB.Bench;

/// <summary>
/// The floor under the store: bare SDK calls at the same concurrency (successful PutItem, PutItem whose
/// condition fails, consistent GetItem), with the client CPU each costs.
/// </summary>
internal static class RawCallProbe
{
    public static async Task RunAsync(IAmazonDynamoDB client, BenchSettings settings)
    {
        const string table = "idempotency-bench";
        await DynamoDbIdempotencyTable.CreateIfNotExistsAsync(client, new DynamoDbIdempotencyStoreOptions { TableName = table });
        var run = Guid.NewGuid().ToString("N")[..8];
        Dictionary<string, AttributeValue> Item(int i) => new() { ["id"] = new() { S = $"raw-{run}-{i}" }, ["status"] = new() { S = "COMPLETED" } };

        await TimeAsync("warmup PutItem", settings, i => client.PutItemAsync(new PutItemRequest { TableName = table, Item = Item(i) }));
        await TimeAsync("PutItem (succeeds)", settings, i => client.PutItemAsync(new PutItemRequest { TableName = table, Item = Item(i) }));
        await TimeAsync("PutItem (condition fails, ALL_OLD)", settings, async i =>
        {
            try
            {
                await client.PutItemAsync(new PutItemRequest
                {
                    TableName = table,
                    Item = Item(i),
                    ConditionExpression = "attribute_not_exists(id)",
                    ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
                });
            }
            catch (ConditionalCheckFailedException)
            {
                // the expected outcome being timed
            }
        });
        await TimeAsync("GetItem (consistent)", settings, i => client.GetItemAsync(new GetItemRequest { TableName = table, Key = new() { ["id"] = new() { S = $"raw-{run}-{i}" } }, ConsistentRead = true }));
    }

    private static async Task TimeAsync(string name, BenchSettings settings, Func<int, Task> call)
    {
        var next = -1;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, settings.Concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < settings.Records)
            {
                await call(i);
            }
        })));
        clock.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        Console.WriteLine($"   raw   {name,-36} {settings.Records / clock.Elapsed.TotalSeconds,8:0} calls/s  client CPU {cpu.TotalMicroseconds / settings.Records,5:0} µs/call");
    }
}
