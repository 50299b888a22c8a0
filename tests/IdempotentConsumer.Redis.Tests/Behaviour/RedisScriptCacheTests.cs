using System.Globalization;
using IdempotentConsumer.Redis.Tests.Support;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using StackExchange.Redis;
using Xunit;
using static IdempotentConsumer.Redis.Tests.Support.TestTimes;

namespace IdempotentConsumer.Redis.Tests.Behaviour;

/// <summary>The scripts travel as EVALSHA once loaded, and a flushed script cache (NOSCRIPT) is reloaded without an error.</summary>
[Collection(EmulatorCollections.Redis)]
public sealed class RedisScriptCacheTests(RedisServerFixture redis)
{
    [Fact]
    public async Task Given_the_scripts_ran_once_When_the_store_writes_again_Then_it_sends_EVALSHA_not_the_script()
    {
        var connection = await RedisConnections.SharedAsync(redis.ConnectionString);
        await using var store = new RedisIdempotencyStore(connection);
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        Assert.True((await store.TryBeginAsync(Begin(NewKey(), NewOwner(), Now(), TimeSpan.FromHours(1), TimeSpan.FromMinutes(5)))).Acquired);
        var before = await CallsAsync(server, "evalsha");

        for (var i = 0; i < 10; i++)
        {
            Assert.True((await store.TryBeginAsync(Begin(NewKey(), NewOwner(), Now(), TimeSpan.FromHours(1), TimeSpan.FromMinutes(5)))).Acquired);
        }

        Assert.True(await CallsAsync(server, "evalsha") >= before + 10, "the begin script should run by its SHA once the server has it");
    }

    [Fact]
    public async Task Given_the_script_cache_flushed_When_every_operation_runs_Then_each_reloads_its_script_and_succeeds()
    {
        var connection = await RedisConnections.SharedAsync(redis.ConnectionString);
        await using var store = new RedisIdempotencyStore(connection);
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var now = Now();
        var key = NewKey();
        var owner = NewOwner();
        Assert.True((await store.TryBeginAsync(Begin(key, owner, now, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5)))).Acquired);

        await server.ScriptFlushAsync();
        await store.ExtendLeaseAsync(new ExtendLeaseRequest(key, owner, now + TimeSpan.FromMinutes(10), now + TimeSpan.FromHours(1)));
        await server.ScriptFlushAsync();
        await store.CompleteAsync(new CompleteRequest(key, owner, now + TimeSpan.FromHours(1), "\"ok\"", null));
        await server.ScriptFlushAsync();
        var duplicate = await store.TryBeginAsync(Begin(key, NewOwner(), now, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5)));
        await server.ScriptFlushAsync();
        var other = NewKey();
        Assert.True((await store.TryBeginAsync(Begin(other, owner, now, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5)))).Acquired);
        await server.ScriptFlushAsync();
        await store.ReleaseAsync(other, owner);

        Assert.False(duplicate.Acquired);
        Assert.Equal("\"ok\"", duplicate.Existing?.ResponseData);
        Assert.Null(await store.GetAsync(other));
    }

    private static async Task<long> CallsAsync(IServer server, string command)
    {
        // INFO commandstats: "cmdstat_evalsha:calls=12,usec=...".
        var info = await server.InfoRawAsync("commandstats");
        var line = info?.Split('\n').FirstOrDefault(l => l.StartsWith($"cmdstat_{command}:", StringComparison.Ordinal));
        if (line is null)
        {
            return 0;
        }

        var calls = line.Split(':')[1].Split(',')[0].Split('=')[1];
        return long.Parse(calls, CultureInfo.InvariantCulture);
    }
}
