using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Redis.Tests.Support;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using StackExchange.Redis;
using Xunit;
using static IdempotentConsumer.Redis.Tests.Support.TestTimes;

namespace IdempotentConsumer.Redis.Tests.Behaviour;

/// <summary>
/// The key's Redis TTL covers the record: it never ends before a live lease, it follows completion and extension, and
/// it is measured in the caller's time frame, so a caller clock that disagrees with Redis cannot shorten it.
/// </summary>
[Collection(EmulatorCollections.Redis)]
public sealed class RedisExpiryTests(RedisServerFixture redis) : IAsyncLifetime
{
    // Time between taking "now" in the test and Redis reading the TTL, generously.
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(1);

    private ConnectionMultiplexer _connection = null!;
    private RedisIdempotencyStore _store = null!;

    public async Task InitializeAsync()
    {
        _connection = await RedisConnections.SharedAsync(redis.ConnectionString);
        _store = new RedisIdempotencyStore(_connection, new RedisIdempotencyStoreOptions { ExpiryMargin = Margin });
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Given_a_lease_longer_than_the_expiry_When_an_attempt_begins_Then_the_ttl_covers_the_lease_end()
    {
        var now = Now();
        var begin = Begin(NewKey(), NewOwner(), now, expiresIn: TimeSpan.FromSeconds(10), leaseFor: TimeSpan.FromSeconds(90));

        Assert.True((await _store.TryBeginAsync(begin)).Acquired);

        var ttl = await TimeToLiveAsync(begin.Key);
        Assert.InRange(ttl, TimeSpan.FromSeconds(90) - Slack, TimeSpan.FromSeconds(90) + Margin + TimeSpan.FromSeconds(1));
        var record = await _store.GetAsync(begin.Key);
        Assert.NotNull(record);
        Assert.True(record.ExpiresAt >= begin.InProgressExpiresAt, "the stored expiry must not precede the lease end");
    }

    [Fact]
    public async Task Given_an_in_progress_record_When_it_completes_Then_the_ttl_moves_to_the_completed_expiry()
    {
        var now = Now();
        var owner = NewOwner();
        var begin = Begin(NewKey(), owner, now, expiresIn: TimeSpan.FromHours(1), leaseFor: TimeSpan.FromMinutes(5));
        Assert.True((await _store.TryBeginAsync(begin)).Acquired);
        Assert.True(await TimeToLiveAsync(begin.Key) > TimeSpan.FromMinutes(59));

        await _store.CompleteAsync(new CompleteRequest(begin.Key, owner, now + TimeSpan.FromMinutes(10), "\"done\"", null));

        var ttl = await TimeToLiveAsync(begin.Key);
        Assert.InRange(ttl, TimeSpan.FromMinutes(10) - Slack, TimeSpan.FromMinutes(10) + Margin + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Given_a_lease_extended_past_the_expiry_When_extended_Then_the_ttl_follows_the_new_lease_end()
    {
        var now = Now();
        var owner = NewOwner();
        var begin = Begin(NewKey(), owner, now, expiresIn: TimeSpan.FromSeconds(30), leaseFor: TimeSpan.FromSeconds(20));
        Assert.True((await _store.TryBeginAsync(begin)).Acquired);

        var leaseEnd = now + TimeSpan.FromMinutes(3);
        await _store.ExtendLeaseAsync(new ExtendLeaseRequest(begin.Key, owner, leaseEnd, leaseEnd));

        var ttl = await TimeToLiveAsync(begin.Key);
        Assert.InRange(ttl, TimeSpan.FromMinutes(3) - Slack, TimeSpan.FromMinutes(3) + Margin + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Given_an_extension_that_ends_before_the_current_expiry_When_extended_Then_the_ttl_does_not_shrink()
    {
        var now = Now();
        var owner = NewOwner();
        var begin = Begin(NewKey(), owner, now, expiresIn: TimeSpan.FromHours(1), leaseFor: TimeSpan.FromSeconds(20));
        Assert.True((await _store.TryBeginAsync(begin)).Acquired);

        await _store.ExtendLeaseAsync(new ExtendLeaseRequest(begin.Key, owner, now + TimeSpan.FromMinutes(1), now + TimeSpan.FromMinutes(1)));

        Assert.True(await TimeToLiveAsync(begin.Key) > TimeSpan.FromMinutes(59));
    }

    [Fact]
    public async Task Given_a_caller_clock_an_hour_behind_Redis_When_it_begins_Then_the_record_lives_its_full_expiry_in_Redis()
    {
        // An absolute PEXPIREAT would name a moment Redis already passed and delete the record at once.
        var lateClock = Now() - TimeSpan.FromHours(1);
        var begin = Begin(NewKey(), NewOwner(), lateClock, expiresIn: TimeSpan.FromMinutes(30), leaseFor: TimeSpan.FromMinutes(5));

        Assert.True((await _store.TryBeginAsync(begin)).Acquired);

        Assert.InRange(await TimeToLiveAsync(begin.Key), TimeSpan.FromMinutes(30) - Slack, TimeSpan.FromMinutes(30) + Margin + TimeSpan.FromSeconds(1));
        Assert.NotNull(await _store.GetAsync(begin.Key));
    }

    [Fact]
    public async Task Given_a_record_taken_over_When_the_old_owner_completes_Then_it_is_a_stale_owner_and_the_successors_key_is_untouched()
    {
        var now = Now();
        var key = NewKey();
        var oldOwner = NewOwner();
        Assert.True((await _store.TryBeginAsync(Begin(key, oldOwner, now, TimeSpan.FromHours(1), TimeSpan.FromSeconds(1)))).Acquired);
        var successor = Begin(key, NewOwner(), now + TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(5));
        Assert.True((await _store.TryBeginAsync(successor)).Acquired);
        var before = await HashAsync(key);

        await Assert.ThrowsAsync<IdempotencyStaleOwnerException>(async () =>
            await _store.CompleteAsync(new CompleteRequest(key, oldOwner, now + TimeSpan.FromDays(1), "\"late\"", null)));

        Assert.Equal(before, await HashAsync(key));
        Assert.InRange(await TimeToLiveAsync(key), TimeSpan.FromMinutes(20) - Slack, TimeSpan.FromMinutes(20) + Margin + TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Given_a_released_record_When_released_Then_the_key_is_gone_from_Redis()
    {
        var owner = NewOwner();
        var begin = Begin(NewKey(), owner, Now(), TimeSpan.FromHours(1), TimeSpan.FromMinutes(5));
        Assert.True((await _store.TryBeginAsync(begin)).Acquired);

        await _store.ReleaseAsync(begin.Key, owner);

        Assert.False(await _connection.GetDatabase().KeyExistsAsync(_store.RedisKeyOf(begin.Key)));
    }

    private async Task<TimeSpan> TimeToLiveAsync(string key)
    {
        var milliseconds = (long)await _connection.GetDatabase().ExecuteAsync("PTTL", _store.RedisKeyOf(key));
        Assert.True(milliseconds > 0, $"Expected a TTL on '{key}', PTTL answered {milliseconds}.");
        return TimeSpan.FromMilliseconds(milliseconds);
    }

    private async Task<string> HashAsync(string key)
    {
        var entries = await _connection.GetDatabase().HashGetAllAsync(_store.RedisKeyOf(key));
        return string.Join(";", entries.OrderBy(e => e.Name.ToString(), StringComparer.Ordinal).Select(e => $"{e.Name}={e.Value}"));
    }
}
