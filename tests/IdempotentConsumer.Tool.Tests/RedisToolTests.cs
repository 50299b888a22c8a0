using System.Text.Json;
using IdempotentConsumer.Redis;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;

namespace IdempotentConsumer.Tool.Tests;

/// <summary>The operator commands against redis-server (SCAN on the key prefix), the tool run as a process.</summary>
[Collection(EmulatorCollections.Redis)]
public sealed class RedisToolTests(RedisServerFixture fixture) : IDisposable
{
    // A prefix per test: the server is shared by the collection.
    private readonly string _prefix = $"tool-{Guid.NewGuid():N}:";
    private RedisIdempotencyStore? _store;

    private RedisIdempotencyStore Store => _store ??= new RedisIdempotencyStore(new RedisIdempotencyStoreOptions { ConnectionString = fixture.ConnectionString, KeyPrefix = _prefix });

    private string[] StoreArguments => ["--store", "redis", "--connection", fixture.ConnectionString, "--key-prefix", _prefix];

    public void Dispose() => _store?.Dispose();

    [Fact]
    public async Task Given_records_in_every_live_state_When_list_runs_with_each_filter_Then_it_returns_the_matching_keys()
    {
        var completed = await Records.CompletedAsync(Store, "orders#completed");
        var running = await Records.RunningAsync(Store, "orders#running");
        var stuck = await Records.StuckAsync(Store, "orders#stuck");

        Assert.Equal([completed, running, stuck], await ListKeysAsync());
        Assert.Equal([running, stuck], await ListKeysAsync("--in-progress"));
        Assert.Equal([stuck], await ListKeysAsync("--stuck"));
    }

    [Fact]
    public async Task Given_a_stuck_record_When_evict_yes_runs_Then_the_key_is_gone_and_the_eviction_is_logged()
    {
        var key = await Records.StuckAsync(Store, "orders#stuck");

        var result = await ToolProcess.RunAsync(["evict", key, "--yes", .. StoreArguments]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"evict key={key} state=stuck owner=owner-dead", result.StandardError, StringComparison.Ordinal);
        Assert.Null(await Store.GetAsync(key));
    }

    [Fact]
    public async Task Given_an_unreachable_server_When_list_runs_Then_it_exits_2_naming_the_address()
    {
        var result = await ToolProcess.RunAsync("list", "--store", "redis", "--connection", "127.0.0.1:1,connectTimeout=500,abortConnect=true");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Cannot reach Redis at '127.0.0.1:1", result.StandardError, StringComparison.Ordinal);
    }

    private async Task<List<string>> ListKeysAsync(params string[] filter)
    {
        var result = await ToolProcess.RunAsync(["list", .. filter, .. StoreArguments, "--json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var output = JsonDocument.Parse(result.StandardOutput);
        return output.RootElement.EnumerateArray().Select(r => r.GetProperty("key").GetString()!).ToList();
    }
}
