using System.Diagnostics;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using IdempotentConsumer.TestInfrastructure.Processes;
using StackExchange.Redis;
using Xunit;
using static IdempotentConsumer.Redis.Tests.Support.TestTimes;

namespace IdempotentConsumer.Redis.Tests.Behaviour;

/// <summary>
/// On a redis-server in cluster mode (one node holding all 16384 slots), every operation works on keys spread over
/// many slots: a script that touched a second key, or a multi-key read, would fail with CROSSSLOT.
/// </summary>
public sealed class RedisClusterModeTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"ic-redis-cluster-{Guid.NewGuid():N}");
    private EmulatorProcess? _server;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _server = await RedisServerFixture.StartServerAsync(_directory, extraArguments: ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"]);
        await using var admin = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{_server.Port},allowAdmin=true");
        var server = admin.GetServer(admin.GetEndPoints()[0]);
        await server.ExecuteAsync("CLUSTER", "ADDSLOTSRANGE", "0", "16383");
        var deadline = Stopwatch.StartNew();
        while (!(await server.ExecuteAsync("CLUSTER", "INFO")).ToString().Contains("cluster_state:ok", StringComparison.Ordinal))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), "the one-node cluster did not reach cluster_state:ok");
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Given_a_cluster_mode_server_When_records_on_many_slots_are_begun_completed_extended_released_and_read_Then_every_operation_succeeds()
    {
        await using var store = new RedisIdempotencyStore(new RedisIdempotencyStoreOptions { ConnectionString = $"127.0.0.1:{_server!.Port}" });
        var now = Now();
        var keys = Enumerable.Range(0, 40).Select(_ => NewKey()).ToList();
        var owners = keys.ToDictionary(k => k, _ => NewOwner());
        Assert.True(keys.Select(k => HashSlot(store.RedisKeyOf(k))).Distinct().Count() > 30, "the keys should spread over many slots");

        foreach (var key in keys)
        {
            Assert.True((await store.TryBeginAsync(Begin(key, owners[key], now, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5)))).Acquired);
        }

        await store.ExtendLeaseAsync(new ExtendLeaseRequest(keys[0], owners[keys[0]], now + TimeSpan.FromMinutes(10), now + TimeSpan.FromHours(1)));
        await store.CompleteAsync(new CompleteRequest(keys[1], owners[keys[1]], now + TimeSpan.FromHours(1), "\"done\"", null));
        await store.ReleaseAsync(keys[2], owners[keys[2]]);
        var lost = await store.TryBeginAsync(Begin(keys[1], NewOwner(), now, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5)));
        var read = await store.GetManyAsync(keys);

        Assert.False(lost.Acquired);
        Assert.Equal("\"done\"", lost.Existing?.ResponseData);
        Assert.Equal(keys.Count - 1, read.Count);
        Assert.DoesNotContain(keys[2], read.Keys);
        Assert.Equal(IdempotencyRecordStatus.Completed, read[keys[1]].Status);
    }

    private static int HashSlot(string key)
    {
        // CRC16/XMODEM mod 16384, as Redis Cluster places keys (these keys have no hash tag).
        ushort crc = 0;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(key))
        {
            crc ^= (ushort)(b << 8);
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 0x8000) != 0 ? (ushort)((crc << 1) ^ 0x1021) : (ushort)(crc << 1);
            }
        }

        return crc % 16384;
    }
}
