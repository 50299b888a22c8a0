using System.Collections.Concurrent;
using System.Diagnostics;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using Xunit;
using Xunit.Abstractions;
using static IdempotentConsumer.Sqlite.Tests.TestTimes;

namespace IdempotentConsumer.Sqlite.Tests;

/// <summary>Several store instances on one file behave like several processes: they share nothing but the file.</summary>
public sealed class ConcurrencyTests : IDisposable
{
    private readonly TemporaryDatabase _database = new();
    private readonly ITestOutputHelper _output;

    public ConcurrencyTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Given_two_store_instances_on_one_file_When_16_attempts_race_on_one_key_Then_exactly_one_wins_in_every_round()
    {
        await using var first = _database.CreateStore();
        await using var second = _database.CreateStore();
        SqliteIdempotencyStore[] stores = [first, second];

        for (var round = 0; round < 20; round++)
        {
            var key = NewKey();
            var requests = Enumerable.Range(0, 16).Select(_ => Begin(key, NewOwner())).ToArray();
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var contenders = requests
                .Select((request, index) => Task.Run(async () =>
                {
                    await start.Task;
                    return await stores[index % 2].TryBeginAsync(request);
                }))
                .ToArray();
            start.SetResult();
            var results = await Task.WhenAll(contenders);

            var winners = requests.Zip(results).Where(pair => pair.Second.Acquired).Select(pair => pair.First.OwnerToken).ToList();
            var winner = Assert.Single(winners);
            Assert.All(results.Where(result => !result.Acquired), loser => Assert.Equal(winner, loser.Existing?.OwnerToken));
            Assert.Equal(winner, (await first.GetAsync(key))?.OwnerToken);
        }
    }

    [Fact]
    public async Task Given_8_consumers_on_two_store_instances_When_each_processes_the_same_200_messages_Then_every_message_is_handled_exactly_once()
    {
        await using var first = _database.CreateStore();
        await using var second = _database.CreateStore();
        SqliteIdempotencyStore[] stores = [first, second];
        var keys = Enumerable.Range(0, 200).Select(index => $"order#{index}").ToArray();
        var handled = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var replays = 0;

        var stopwatch = Stopwatch.StartNew();
        var consumers = Enumerable.Range(0, 8).Select(consumer => Task.Run(async () =>
        {
            var store = stores[consumer % 2];

            // Each consumer walks the keys in its own order, so contention lands on every phase of the record's life.
            foreach (var key in keys.OrderBy(key => HashCode.Combine(key, consumer)))
            {
                var owner = NewOwner();
                var begin = await store.TryBeginAsync(Begin(key, owner));
                if (begin.Acquired)
                {
                    handled.AddOrUpdate(key, 1, (_, count) => count + 1);
                    await store.CompleteAsync(Complete(key, owner, $"\"{key}\""));
                }
                else if (begin.Existing?.Status == IdempotencyRecordStatus.Completed)
                {
                    Interlocked.Increment(ref replays);
                }
            }
        })).ToArray();
        await Task.WhenAll(consumers);
        stopwatch.Stop();

        Assert.Equal(keys.Length, handled.Count);
        Assert.All(handled, pair => Assert.Equal(1, pair.Value));
        var records = await first.GetManyAsync(keys);
        Assert.All(keys, key => Assert.Equal(IdempotencyRecordStatus.Completed, records[key].Status));
        var operations = (keys.Length * 8) + keys.Length;
        _output.WriteLine($"{operations} store writes by 8 consumers in {stopwatch.ElapsedMilliseconds} ms ({operations / stopwatch.Elapsed.TotalSeconds:F0}/s); {replays} replays");
    }

    [Fact]
    public async Task Given_a_lease_lapsed_When_the_old_owner_and_a_successor_race_to_write_Then_the_successor_keeps_the_record()
    {
        await using var first = _database.CreateStore();
        await using var second = _database.CreateStore();
        var key = NewKey();
        var oldOwner = NewOwner();
        Assert.True((await first.TryBeginAsync(Begin(key, oldOwner, lease: TimeSpan.FromSeconds(30)))).Acquired);

        var successor = Begin(key, NewOwner(), at: TimeSpan.FromMinutes(1));
        Assert.True((await second.TryBeginAsync(successor)).Acquired);

        await Assert.ThrowsAsync<Exceptions.IdempotencyStaleOwnerException>(async () => await first.CompleteAsync(Complete(key, oldOwner, "\"late\"")));
        await Assert.ThrowsAsync<Exceptions.IdempotencyStaleOwnerException>(async () => await first.ReleaseAsync(key, oldOwner));
        await second.CompleteAsync(Complete(key, successor.OwnerToken, "\"fresh\""));
        Assert.Equal("\"fresh\"", (await first.GetAsync(key))?.ResponseData);
    }

    public void Dispose() => _database.Dispose();
}
