using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Records;
using IdempotentConsumer.Redis.Tests.Support;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using StackExchange.Redis;
using Xunit;
using static IdempotentConsumer.Redis.Tests.Support.TestTimes;

namespace IdempotentConsumer.Redis.Tests.Behaviour;

/// <summary>The record is one hash with the documented fields, and keys this store did not write are reported, never overwritten.</summary>
[Collection(EmulatorCollections.Redis)]
public sealed class RedisRecordSchemaTests(RedisServerFixture redis) : IAsyncLifetime
{
    private ConnectionMultiplexer _connection = null!;
    private RedisIdempotencyStore _store = null!;

    public async Task InitializeAsync()
    {
        _connection = await RedisConnections.SharedAsync(redis.ConnectionString);
        _store = new RedisIdempotencyStore(_connection, new RedisIdempotencyStoreOptions { KeyPrefix = "schema-test:" });
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Given_a_begun_then_completed_record_When_the_hash_is_read_Then_it_holds_the_documented_fields()
    {
        var now = Now();
        var owner = NewOwner();
        var begin = new BeginRequest(NewKey(), owner, now, now + TimeSpan.FromHours(1), now + TimeSpan.FromMinutes(5), "hash-1");
        Assert.True((await _store.TryBeginAsync(begin)).Acquired);
        var redisKey = "schema-test:" + begin.Key;
        Assert.Equal(redisKey, _store.RedisKeyOf(begin.Key));

        var inProgress = await FieldsAsync(redisKey);
        Assert.Equal("INPROGRESS", inProgress["status"]);
        // In progress, the expiry is rounded up to the second so it never precedes the lease end (kept in ms).
        var expirationRoundedUp = (begin.ExpiresAt.ToUnixTimeMilliseconds() + 999) / 1000;
        Assert.Equal(expirationRoundedUp.ToString(System.Globalization.CultureInfo.InvariantCulture), inProgress["expiration"]);
        Assert.Equal(begin.InProgressExpiresAt.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), inProgress["in_progress_expiration"]);
        Assert.Equal(owner, inProgress["owner"]);
        Assert.Equal("hash-1", inProgress["validation"]);
        Assert.Equal(5, inProgress.Count);

        await _store.CompleteAsync(new CompleteRequest(begin.Key, owner, now + TimeSpan.FromHours(2), null, null) { ResponseNotStored = true });

        var completed = await FieldsAsync(redisKey);
        Assert.Equal("COMPLETED", completed["status"]);
        Assert.Equal("1", completed["response_not_stored"]);
        Assert.False(completed.ContainsKey("in_progress_expiration"));
        Assert.False(completed.ContainsKey("data"));
        Assert.Equal("hash-1", completed["validation"]);
    }

    [Fact]
    public async Task Given_a_key_holding_a_string_When_an_attempt_begins_Then_a_corrupt_record_error_names_the_key_prefix()
    {
        var key = NewKey();
        await _connection.GetDatabase().StringSetAsync(_store.RedisKeyOf(key), "someone else's value");

        var error = await Assert.ThrowsAsync<IdempotencyCorruptRecordException>(async () =>
            await _store.TryBeginAsync(Begin(key, NewOwner(), Now(), TimeSpan.FromHours(1), TimeSpan.FromMinutes(5))));

        Assert.Contains("KeyPrefix", error.Message, StringComparison.Ordinal);
        Assert.Equal("someone else's value", (string?)await _connection.GetDatabase().StringGetAsync(_store.RedisKeyOf(key)));
    }

    [Fact]
    public async Task Given_a_hash_without_a_status_When_an_attempt_begins_Then_it_is_reported_corrupt_and_left_as_it_is()
    {
        var key = NewKey();
        await _connection.GetDatabase().HashSetAsync(_store.RedisKeyOf(key), "counter", "7");

        await Assert.ThrowsAsync<IdempotencyCorruptRecordException>(async () =>
            await _store.TryBeginAsync(Begin(key, NewOwner(), Now(), TimeSpan.FromHours(1), TimeSpan.FromMinutes(5))));

        Assert.Equal("7", (string?)await _connection.GetDatabase().HashGetAsync(_store.RedisKeyOf(key), "counter"));
        Assert.False(await _connection.GetDatabase().HashExistsAsync(_store.RedisKeyOf(key), "status"));
    }

    [Fact]
    public async Task Given_a_hash_with_an_unknown_status_When_read_Then_it_is_reported_corrupt()
    {
        var key = NewKey();
        await _connection.GetDatabase().HashSetAsync(_store.RedisKeyOf(key), [new HashEntry("status", "DONE"), new HashEntry("expiration", "1")]);

        await Assert.ThrowsAsync<IdempotencyCorruptRecordException>(async () => await _store.GetAsync(key));
    }

    [Fact]
    public async Task Given_records_in_two_databases_When_each_store_reads_Then_each_sees_only_its_own()
    {
        var key = NewKey();
        await using var other = new RedisIdempotencyStore(_connection, new RedisIdempotencyStoreOptions { KeyPrefix = "schema-test:", Database = 5 });
        var now = Now();
        Assert.True((await _store.TryBeginAsync(Begin(key, NewOwner(), now, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5)))).Acquired);

        Assert.Null(await other.GetAsync(key));
        Assert.True((await other.TryBeginAsync(Begin(key, NewOwner(), now, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5)))).Acquired);
        Assert.Equal(IdempotencyRecordStatus.InProgress, (await _store.GetAsync(key))!.Status);
    }

    private async Task<Dictionary<string, string>> FieldsAsync(string redisKey) =>
        (await _connection.GetDatabase().HashGetAllAsync(redisKey)).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);
}
