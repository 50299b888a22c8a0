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
    public async Task Given_an_in_progress_record_with_a_lease_longer_than_its_expiry_When_the_sweep_runs_past_the_expiry_Then_the_record_stays()
    {
        var store = new InMemoryIdempotencyStore();
        await store.TryBeginAsync(new BeginRequest("long", "owner", T0, T0 + TimeSpan.FromMinutes(1), T0 + TimeSpan.FromHours(12), null));
        await store.ExtendLeaseAsync(new ExtendLeaseRequest("long", "owner", T0 + TimeSpan.FromHours(13), T0 + TimeSpan.FromHours(13)));

        var removed = store.RemoveExpired(T0 + TimeSpan.FromHours(12) + TimeSpan.FromMinutes(30));

        Assert.Equal(0, removed);
        var record = await store.GetAsync("long");
        Assert.Equal(IdempotencyRecordStatus.InProgress, record!.Status);
        Assert.Equal(T0 + TimeSpan.FromHours(13), record.ExpiresAt);
        Assert.Equal(1, store.RemoveExpired(T0 + TimeSpan.FromHours(13)));
    }

    [Fact]
    public async Task Given_a_begin_whose_expiry_precedes_its_lease_When_stored_and_swept_Then_the_expiry_covers_the_lease_and_the_record_stays()
    {
        var store = new InMemoryIdempotencyStore();
        await store.TryBeginAsync(new BeginRequest("guarded", "owner", T0, T0 + TimeSpan.FromMinutes(1), T0 + TimeSpan.FromMinutes(10), null));
        // The store itself never writes an expiry before the lease; a cleanup must not rely on that alone.
        var stored = await store.GetAsync("guarded");
        Assert.Equal(T0 + TimeSpan.FromMinutes(10), stored!.ExpiresAt);

        Assert.Equal(0, store.RemoveExpired(T0 + TimeSpan.FromMinutes(5)));
        Assert.NotNull(await store.GetAsync("guarded"));
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
