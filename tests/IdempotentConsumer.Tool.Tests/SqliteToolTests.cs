using System.Text.Json;
using Xunit;

namespace IdempotentConsumer.Tool.Tests;

/// <summary>The operator commands against a SQLite store, the tool run as a process.</summary>
public sealed class SqliteToolTests : IDisposable
{
    private readonly TemporaryDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Given_records_in_every_state_When_list_runs_with_each_filter_Then_it_returns_the_matching_keys()
    {
        var store = _database.Store;
        var completed = await Records.CompletedAsync(store, "orders#completed");
        var running = await Records.RunningAsync(store, "orders#running");
        var stuck = await Records.StuckAsync(store, "orders#stuck");
        var expired = await Records.ExpiredAsync(store, "orders#expired");

        var all = await ListAsync();
        var inProgress = await ListAsync("--in-progress");
        var stuckOnes = await ListAsync("--stuck");
        var expiredOnes = await ListAsync("--expired");

        Assert.Equal([completed, expired, running, stuck], all.Select(r => r.Key));
        Assert.Equal([running, stuck], inProgress.Select(r => r.Key));
        Assert.Equal([(stuck, "stuck", "owner-dead")], stuckOnes.Select(r => (r.Key, r.State, r.Owner)));
        Assert.Equal([expired], expiredOnes.Select(r => r.Key));
    }

    [Fact]
    public async Task Given_a_stuck_record_When_list_stuck_runs_without_json_Then_it_prints_a_table_with_its_state_and_owner()
    {
        await Records.StuckAsync(_database.Store, "orders#stuck");

        var result = await ToolProcess.RunAsync(["list", "--stuck", .. _database.StoreArguments]);

        Assert.Equal(0, result.ExitCode);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("KEY", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^orders#stuck\s+stuck\s+\S+ \S+\s+\S+ \S+\s+owner-dead$", lines[1]);
        Assert.Equal("1 record", lines[2]);
    }

    [Fact]
    public async Task Given_a_completed_record_When_show_runs_Then_it_prints_status_expiry_owner_and_response()
    {
        var key = await Records.CompletedAsync(_database.Store, "orders#A-1", """{"shipped":true}""");

        var result = await ToolProcess.RunAsync(["show", key, .. _database.StoreArguments]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("status      COMPLETED", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("owner       owner-done", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("""response    {"shipped":true}""", result.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"expires\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(in 59m\d\ds\)", result.StandardOutput);
    }

    [Fact]
    public async Task Given_no_such_record_When_show_runs_Then_it_exits_3_with_a_message()
    {
        await _database.Store.EnsureSchemaAsync();
        var result = await ToolProcess.RunAsync(["show", "orders#missing", .. _database.StoreArguments]);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("No record 'orders#missing'", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_stuck_record_When_evict_is_declined_Then_the_record_stays_and_the_exit_code_is_4()
    {
        var key = await Records.StuckAsync(_database.Store, "orders#stuck");

        var result = await ToolProcess.RunWithInputAsync("n\n", ["evict", key, .. _database.StoreArguments]);

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("Evict this record", result.StandardError, StringComparison.Ordinal);
        Assert.NotNull(await Records.GetAsync(_database.Store, key));
    }

    [Fact]
    public async Task Given_a_stuck_record_When_evict_is_confirmed_Then_it_is_deleted_and_the_eviction_is_logged()
    {
        var key = await Records.StuckAsync(_database.Store, "orders#stuck");

        var result = await ToolProcess.RunWithInputAsync("y\n", ["evict", key, .. _database.StoreArguments]);

        Assert.Equal(0, result.ExitCode);
        Assert.Null(await Records.GetAsync(_database.Store, key));
        Assert.Equal("Evicted 'orders#stuck' (was stuck).", result.StandardOutput.Trim());
        Assert.Matches(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ evict key=orders#stuck state=stuck owner=owner-dead store=""sqlite table 'idempotency_records' in .+"" user=\S+ deleted=true", result.StandardError);
    }

    [Fact]
    public async Task Given_yes_When_evict_runs_Then_it_deletes_without_asking()
    {
        var key = await Records.RunningAsync(_database.Store, "orders#running");

        var result = await ToolProcess.RunAsync(["evict", key, "--yes", "--json", .. _database.StoreArguments]);

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("[y/N]", result.StandardError, StringComparison.Ordinal);
        using var output = JsonDocument.Parse(result.StandardOutput);
        Assert.True(output.RootElement.GetProperty("evicted").GetBoolean());
        Assert.Null(await Records.GetAsync(_database.Store, key));
    }

    [Fact]
    public async Task Given_expired_and_live_records_When_purge_expired_runs_Then_only_the_expired_one_is_removed()
    {
        var store = _database.Store;
        var expired = await Records.ExpiredAsync(store, "orders#expired");
        var completed = await Records.CompletedAsync(store, "orders#completed");
        var running = await Records.RunningAsync(store, "orders#running");

        var result = await ToolProcess.RunAsync(["purge-expired", "--json", .. _database.StoreArguments]);

        Assert.Equal(0, result.ExitCode);
        using var output = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(1, output.RootElement.GetProperty("purged").GetInt32());
        Assert.Null(await Records.GetAsync(store, expired));
        Assert.NotNull(await Records.GetAsync(store, completed));
        Assert.NotNull(await Records.GetAsync(store, running));
    }

    [Fact]
    public async Task Given_an_unknown_table_or_file_When_list_runs_Then_it_exits_2_without_creating_anything()
    {
        await _database.Store.EnsureSchemaAsync();
        var table = await ToolProcess.RunAsync(["list", .. _database.StoreArguments, "--table", "idempotency_typo"]);
        var missingFile = Path.Combine(_database.Folder, "nope.db");
        var file = await ToolProcess.RunAsync("list", "--store", "sqlite", "--database", missingFile);

        Assert.Equal(2, table.ExitCode);
        Assert.Contains("SQLite table 'idempotency_typo' does not exist", table.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, file.ExitCode);
        Assert.Contains("does not exist", file.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(missingFile));
    }

    private async Task<List<(string Key, string State, string? Owner)>> ListAsync(params string[] filter)
    {
        var result = await ToolProcess.RunAsync(["list", .. filter, .. _database.StoreArguments, "--json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var output = JsonDocument.Parse(result.StandardOutput);
        return output.RootElement.EnumerateArray()
            .Select(r => (r.GetProperty("key").GetString()!, r.GetProperty("state").GetString()!, r.GetProperty("owner").GetString()))
            .ToList();
    }
}
