using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using Xunit;

namespace IdempotentConsumer.Tests.Stores;

/// <summary>
/// Memory upkeep of the in-memory store (its conditional semantics are covered by the shared store
/// conformance suite, not here).
/// </summary>
public sealed class InMemoryStoreMaintenanceTests
{
    private static readonly DateTimeOffset T0 = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Given_expired_and_live_records_When_expired_ones_are_removed_Then_only_the_live_ones_remain()
    {
        var store = new InMemoryIdempotencyStore();
        await store.TryBeginAsync(Begin("old", T0, TimeSpan.FromMinutes(1)));
        await store.TryBeginAsync(Begin("live", T0, TimeSpan.FromHours(1)));

        var removed = store.RemoveExpired(T0 + TimeSpan.FromMinutes(1));

        Assert.Equal(1, removed);
        Assert.Null(await store.GetAsync("old"));
        Assert.NotNull(await store.GetAsync("live"));
    }

    [Fact]
    public async Task Given_a_long_running_consumer_When_many_short_lived_keys_pass_through_Then_the_store_does_not_keep_every_expired_record()
    {
        var store = new InMemoryIdempotencyStore();
        var now = T0;

        for (var i = 0; i < 10_000; i++)
        {
            now += TimeSpan.FromSeconds(1);
            var begin = await store.TryBeginAsync(Begin($"k-{i}", now, TimeSpan.FromMinutes(1)));
            Assert.True(begin.Acquired);
        }

        Assert.InRange(store.Count, 60, 2 * 1024 + 60);
        Assert.Equal(IdempotencyRecordStatus.InProgress, (await store.GetAsync("k-9999"))!.Status);
    }

    private static BeginRequest Begin(string key, DateTimeOffset now, TimeSpan expiresIn) =>
        new(key, Guid.NewGuid().ToString("N"), now, now + expiresIn, now + TimeSpan.FromSeconds(30), null);
}
