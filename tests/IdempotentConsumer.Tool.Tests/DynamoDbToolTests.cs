using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using IdempotentConsumer.DynamoDB;
using IdempotentConsumer.TestInfrastructure;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;

namespace IdempotentConsumer.Tool.Tests;

/// <summary>The operator commands against DynamoDB Local (a filtered Scan), the tool run as a process.</summary>
[Collection(EmulatorCollections.DynamoDbLocal)]
public sealed class DynamoDbToolTests(DynamoDbLocalFixture fixture) : IAsyncLifetime, IDisposable
{
    private readonly AmazonDynamoDBClient _client = fixture.CreateDynamoDbClient();
    private readonly string _table = "tool-" + Guid.NewGuid().ToString("N")[..8];

    private DynamoDbIdempotencyStore Store => new(_client, new DynamoDbIdempotencyStoreOptions { TableName = _table });

    private string[] StoreArguments => ["--store", "dynamodb", "--table", _table, "--endpoint", fixture.ServiceUrl];

    // No TTL on this table: DynamoDB Local would delete the expired records the tests look for.
    public async Task InitializeAsync()
    {
        await _client.CreateTableAsync(new CreateTableRequest
        {
            TableName = _table,
            KeySchema = [new KeySchemaElement("id", KeyType.HASH)],
            AttributeDefinitions = [new AttributeDefinition("id", ScalarAttributeType.S)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
        });
        await DynamoDbTables.WaitUntilActiveAsync(_client, _table);
    }

    public Task DisposeAsync() => _client.DeleteTableAsync(_table);

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Given_records_in_every_state_When_list_runs_with_each_filter_Then_it_returns_the_matching_keys()
    {
        var completed = await Records.CompletedAsync(Store, "orders#completed");
        var running = await Records.RunningAsync(Store, "orders#running");
        var stuck = await Records.StuckAsync(Store, "orders#stuck");
        var expired = await Records.ExpiredAsync(Store, "orders#expired");

        Assert.Equal([completed, expired, running, stuck], await ListKeysAsync());
        Assert.Equal([running, stuck], await ListKeysAsync("--in-progress"));
        Assert.Equal([stuck], await ListKeysAsync("--stuck"));
        Assert.Equal([expired], await ListKeysAsync("--expired"));
    }

    [Fact]
    public async Task Given_a_completed_record_When_show_runs_with_json_Then_it_prints_the_stored_response_as_json()
    {
        var key = await Records.CompletedAsync(Store, "orders#A-1", """{"shipped":true}""");

        var result = await ToolProcess.RunAsync(["show", key, .. StoreArguments, "--json"]);

        Assert.Equal(0, result.ExitCode);
        using var output = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal("completed", output.RootElement.GetProperty("state").GetString());
        Assert.True(output.RootElement.GetProperty("response").GetProperty("shipped").GetBoolean());
    }

    [Fact]
    public async Task Given_a_stuck_record_When_evict_yes_runs_Then_the_item_is_gone_and_the_eviction_is_logged()
    {
        var key = await Records.StuckAsync(Store, "orders#stuck");

        var result = await ToolProcess.RunAsync(["evict", key, "--yes", .. StoreArguments]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"evict key={key} state=stuck owner=owner-dead store=\"dynamodb table '{_table}' at {fixture.ServiceUrl}\"", result.StandardError, StringComparison.Ordinal);
        Assert.Null(await Store.GetAsync(key));
    }

    [Fact]
    public async Task Given_expired_and_live_records_When_purge_expired_runs_Then_only_the_expired_one_is_removed()
    {
        var expired = await Records.ExpiredAsync(Store, "orders#expired");
        var running = await Records.RunningAsync(Store, "orders#running");

        var result = await ToolProcess.RunAsync(["purge-expired", .. StoreArguments]);

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("Purged 1 expired record from", result.StandardOutput, StringComparison.Ordinal);
        Assert.Null(await Store.GetAsync(expired));
        Assert.NotNull(await Store.GetAsync(running));
    }

    [Fact]
    public async Task Given_an_unknown_table_When_list_runs_Then_it_exits_2_naming_the_table()
    {
        var result = await ToolProcess.RunAsync("list", "--store", "dynamodb", "--table", "no-such-table", "--endpoint", fixture.ServiceUrl);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"DynamoDB table 'no-such-table' does not exist at {fixture.ServiceUrl}", result.StandardError, StringComparison.Ordinal);
    }

    private async Task<List<string>> ListKeysAsync(params string[] filter)
    {
        var result = await ToolProcess.RunAsync(["list", .. filter, .. StoreArguments, "--json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var output = JsonDocument.Parse(result.StandardOutput);
        return output.RootElement.EnumerateArray().Select(r => r.GetProperty("key").GetString()!).ToList();
    }
}
