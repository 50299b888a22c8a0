using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using IdempotentConsumer.DynamoDB.Tests.Support;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using IdempotentConsumer.TestInfrastructure.Instrumentation;
using Xunit;

namespace IdempotentConsumer.DynamoDB.Tests.Behaviour;

/// <summary>
/// What only a DynamoDB store can get wrong: the exact items, the round trips, the ALL_OLD fallback,
/// composite keys, item and key limits, and records written by Powertools. Run on both emulators.
/// </summary>
public abstract class DynamoDbStoreBehaviourTests : IAsyncLifetime
{
    private readonly DynamoDbEmulatorFixture _fixture;
    private readonly DateTimeOffset _t0;

    protected DynamoDbStoreBehaviourTests(DynamoDbEmulatorFixture fixture)
    {
        _fixture = fixture;
        var now = DateTimeOffset.UtcNow;
        _t0 = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        Counter = new AwsCallCounter();
        Client = fixture.CreateDynamoDbClient(Counter.Attach);
        Options = TestTables.Simple();
        Store = new DynamoDbIdempotencyStore(Client, Options);
    }

    private AwsCallCounter Counter { get; }

    private AmazonDynamoDBClient Client { get; }

    private DynamoDbIdempotencyStoreOptions Options { get; }

    private DynamoDbIdempotencyStore Store { get; }

    public async Task InitializeAsync()
    {
        await TestTables.EnsureAsync(_fixture, TestTables.Simple());
        await TestTables.EnsureAsync(_fixture, TestTables.Composite());
        Counter.Reset();
    }

    public Task DisposeAsync()
    {
        Client.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Given_each_step_of_a_record_When_the_item_is_read_raw_Then_it_holds_exactly_the_Powertools_attributes_plus_the_owner()
    {
        var key = NewKey();
        var begin = new BeginRequest(key, "owner-1", _t0, _t0.AddHours(1), _t0.AddSeconds(30).AddMilliseconds(250), "hash-1");

        await Store.TryBeginAsync(begin);
        var afterBegin = Items.Describe(await RawAsync(key));
        Assert.Equal(
            new SortedDictionary<string, string>
            {
                ["id"] = "S:" + key,
                ["status"] = "S:INPROGRESS",
                ["expiration"] = Items.Seconds(_t0.AddHours(1)),
                ["in_progress_expiration"] = Items.Milliseconds(_t0.AddSeconds(30).AddMilliseconds(250)),
                ["validation"] = "S:hash-1",
                ["owner_token"] = "S:owner-1",
            },
            afterBegin);

        await Store.ExtendLeaseAsync(new ExtendLeaseRequest(key, "owner-1", _t0.AddSeconds(90), _t0.AddHours(1)));
        var afterExtend = Items.Describe(await RawAsync(key));
        Assert.Equal(Items.Milliseconds(_t0.AddSeconds(90)), afterExtend["in_progress_expiration"]);
        Assert.Equal(Items.Seconds(_t0.AddHours(1)), afterExtend["expiration"]);

        await Store.CompleteAsync(new CompleteRequest(key, "owner-1", _t0.AddHours(2), "{\"shipped\":true}", "hash-1"));
        Assert.Equal(
            new SortedDictionary<string, string>
            {
                ["id"] = "S:" + key,
                ["status"] = "S:COMPLETED",
                ["expiration"] = Items.Seconds(_t0.AddHours(2)),
                ["data"] = "S:{\"shipped\":true}",
                ["validation"] = "S:hash-1",
                ["owner_token"] = "S:owner-1",
            },
            Items.Describe(await RawAsync(key)));
    }

    [Fact]
    public async Task Given_a_released_record_When_the_item_is_read_raw_Then_it_is_gone()
    {
        var key = NewKey();
        await Store.TryBeginAsync(Begin(key, "owner-1"));

        await Store.ReleaseAsync(key, "owner-1");

        Assert.Null(await RawAsync(key));
    }

    [Fact]
    public async Task Given_the_backend_When_a_conditional_put_fails_with_ALL_OLD_Then_it_returns_the_old_item_exactly_when_the_fixture_says_so()
    {
        var key = NewKey();
        await Store.TryBeginAsync(Begin(key, "owner-1"));
        var put = new PutItemRequest
        {
            TableName = Options.TableName,
            Item = new Dictionary<string, AttributeValue> { ["id"] = new() { S = key } },
            ConditionExpression = "attribute_not_exists(id)",
            ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
        };

        var failed = await Assert.ThrowsAsync<ConditionalCheckFailedException>(() => Client.PutItemAsync(put));

        Assert.Equal(_fixture.ReturnsItemOnConditionCheckFailure, failed.Item is { Count: > 0 });
    }

    [Fact]
    public async Task Given_a_first_delivery_When_begun_and_completed_Then_it_takes_two_calls()
    {
        var key = NewKey();

        Assert.True((await Store.TryBeginAsync(Begin(key, "owner-1"))).Acquired);
        await Store.CompleteAsync(new CompleteRequest(key, "owner-1", _t0.AddHours(1), "\"ok\"", null));

        Assert.Equal(1, Counter["PutItem"]);
        Assert.Equal(1, Counter["UpdateItem"]);
        Assert.Equal(2, Counter.Total);
    }

    [Fact]
    public async Task Given_a_completed_record_When_a_duplicate_begins_Then_it_takes_one_call_with_ALL_OLD_and_two_with_the_GetItem_fallback()
    {
        var key = NewKey();
        await Store.TryBeginAsync(Begin(key, "owner-1"));
        await Store.CompleteAsync(new CompleteRequest(key, "owner-1", _t0.AddHours(1), "\"stored\"", null));
        Counter.Reset();

        var duplicate = await Store.TryBeginAsync(Begin(key, "owner-2", at: TimeSpan.FromSeconds(5)));

        Assert.False(duplicate.Acquired);
        Assert.Equal(IdempotencyRecordStatus.Completed, duplicate.Existing?.Status);
        Assert.Equal("\"stored\"", duplicate.Existing?.ResponseData);
        Assert.Equal(1, Counter["PutItem"]);
        if (_fixture.ReturnsItemOnConditionCheckFailure)
        {
            Assert.Equal(1, Counter.Total);
        }
        else
        {
            Assert.Equal(1, Counter["GetItem"]);
            Assert.Equal(2, Counter.Total);
        }
    }

    [Fact]
    public async Task Given_a_composite_key_table_When_a_record_is_written_Then_the_partition_holds_the_static_value_and_the_sort_key_the_idempotency_key()
    {
        var options = TestTables.Composite();
        var store = new DynamoDbIdempotencyStore(Client, options);
        var key = NewKey();

        Assert.True((await store.TryBeginAsync(Begin(key, "owner-1"))).Acquired);
        var lost = await store.TryBeginAsync(Begin(key, "owner-2"));
        await store.CompleteAsync(new CompleteRequest(key, "owner-1", _t0.AddHours(1), "\"composite\"", null));

        var raw = Items.Describe(await Items.ReadAsync(Client, options.TableName, new()
        {
            ["pk"] = new() { S = "idempotency#orders-consumer" },
            ["sk"] = new() { S = key },
        }));
        Assert.Equal("S:idempotency#orders-consumer", raw["pk"]);
        Assert.Equal("S:" + key, raw["sk"]);
        Assert.Equal("S:COMPLETED", raw["status"]);
        Assert.False(raw.ContainsKey("id"));
        Assert.Equal("owner-1", lost.Existing?.OwnerToken);
        Assert.Equal(key, (await store.GetAsync(key))?.Key);
        Assert.Equal([key], (await store.GetManyAsync([key, NewKey()])).Keys);
    }

    [Fact]
    public async Task Given_sixteen_contenders_When_they_race_on_one_key_for_a_hundred_rounds_Then_each_round_has_exactly_one_winner()
    {
        for (var round = 0; round < 100; round++)
        {
            var key = NewKey();
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var contenders = Enumerable.Range(0, 16)
                .Select(i => Task.Run(async () =>
                {
                    await start.Task;
                    return (Owner: $"owner-{i}", Result: await Store.TryBeginAsync(Begin(key, $"owner-{i}")));
                }))
                .ToArray();
            start.SetResult();
            var results = await Task.WhenAll(contenders);

            var winners = results.Where(r => r.Result.Acquired).Select(r => r.Owner).ToList();
            Assert.True(winners.Count == 1, $"round {round}: {winners.Count} winners");
            Assert.All(results.Where(r => !r.Result.Acquired), r => Assert.Equal(winners[0], r.Result.Existing?.OwnerToken));
            Assert.Equal("S:" + winners[0], Items.Describe(await RawAsync(key))["owner_token"]);
        }
    }

    [Fact]
    public async Task Given_a_response_over_400_KB_When_completed_Then_it_fails_naming_the_size_and_nothing_is_written()
    {
        var key = NewKey();
        await Store.TryBeginAsync(Begin(key, "owner-1"));
        var before = Items.Describe(await RawAsync(key));
        Counter.Reset();

        var error = await Assert.ThrowsAsync<IdempotencyRecordTooLargeException>(async () =>
            await Store.CompleteAsync(new CompleteRequest(key, "owner-1", _t0.AddHours(1), new string('x', 500_000), null)));

        Assert.Contains("500,", error.Message);
        Assert.Contains("409,600", error.Message);
        Assert.Equal(0, Counter.Total);
        Assert.Equal(before, Items.Describe(await RawAsync(key)));
    }

    [Fact]
    public async Task Given_a_response_just_under_400_KB_When_completed_Then_the_backend_accepts_it_and_it_reads_back()
    {
        var key = NewKey();
        await Store.TryBeginAsync(Begin(key, "owner-1"));
        var response = new string('y', 409_000);

        await Store.CompleteAsync(new CompleteRequest(key, "owner-1", _t0.AddHours(1), response, null));

        Assert.Equal(response, (await Store.GetAsync(key))?.ResponseData);
    }

    [Fact]
    public async Task Given_keys_longer_than_DynamoDB_allows_When_used_Then_they_are_rejected_before_any_call()
    {
        var composite = new DynamoDbIdempotencyStore(Client, TestTables.Composite());
        var longest = new string('k', 2048);

        await Assert.ThrowsAsync<IdempotencyKeyInvalidException>(async () => await Store.TryBeginAsync(Begin(longest + "k", "owner-1")));
        await Assert.ThrowsAsync<IdempotencyKeyInvalidException>(async () => await Store.GetAsync(new string('é', 1025)));
        await Assert.ThrowsAsync<IdempotencyKeyInvalidException>(async () => await composite.TryBeginAsync(Begin(new string('k', 1025), "owner-1")));
        await Assert.ThrowsAsync<IdempotencyKeyInvalidException>(async () => await Store.ReleaseAsync(string.Empty, "owner-1"));
        Assert.Equal(0, Counter.Total);

        var unique = Guid.NewGuid().ToString("N");
        Assert.True((await Store.TryBeginAsync(Begin(unique + longest[unique.Length..], "owner-1"))).Acquired);
        Assert.True((await composite.TryBeginAsync(Begin(unique + new string('k', 1024 - unique.Length), "owner-1"))).Acquired);
    }

    [Fact]
    public async Task Given_a_record_that_another_attempt_took_over_When_the_stale_owner_completes_or_releases_Then_both_fail_and_the_item_is_the_new_owners()
    {
        var key = NewKey();
        await Store.TryBeginAsync(Begin(key, "stale", lease: TimeSpan.FromSeconds(10)));
        Assert.True((await Store.TryBeginAsync(Begin(key, "fresh", at: TimeSpan.FromSeconds(11)))).Acquired);
        var owned = Items.Describe(await RawAsync(key));

        await Assert.ThrowsAsync<IdempotencyStaleOwnerException>(async () =>
            await Store.CompleteAsync(new CompleteRequest(key, "stale", _t0.AddHours(1), "\"late\"", null)));
        await Assert.ThrowsAsync<IdempotencyStaleOwnerException>(async () => await Store.ReleaseAsync(key, "stale"));

        Assert.Equal(owned, Items.Describe(await RawAsync(key)));
        Assert.Equal("S:fresh", owned["owner_token"]);
    }

    [Fact]
    public async Task Given_a_completed_record_written_by_Powertools_When_a_duplicate_begins_Then_it_loses_and_replays_the_Powertools_response()
    {
        var key = NewKey();
        await WriteRawAsync(key, new()
        {
            ["status"] = new() { S = "COMPLETED" },
            ["expiration"] = new() { N = _t0.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["in_progress_expiration"] = new() { N = _t0.AddMinutes(-1).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["data"] = new() { S = "{\"orderId\":\"o-1\"}" },
            ["validation"] = new() { S = "5d41402abc4b2a76b9719d911017c592" },
        });

        var duplicate = await Store.TryBeginAsync(Begin(key, "ours"));

        Assert.False(duplicate.Acquired);
        var existing = duplicate.Existing;
        Assert.NotNull(existing);
        Assert.Equal(IdempotencyRecordStatus.Completed, existing.Status);
        Assert.Equal("{\"orderId\":\"o-1\"}", existing.ResponseData);
        Assert.Equal("5d41402abc4b2a76b9719d911017c592", existing.PayloadHash);
        Assert.Null(existing.OwnerToken);
        Assert.Null(existing.InProgressExpiresAt);
    }

    [Fact]
    public async Task Given_an_in_progress_record_written_by_Powertools_whose_lease_lapsed_When_we_begin_Then_we_take_it_over()
    {
        var key = NewKey();
        await WriteRawAsync(key, new()
        {
            ["status"] = new() { S = "INPROGRESS" },
            ["expiration"] = new() { N = _t0.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["in_progress_expiration"] = new() { N = _t0.AddSeconds(-1).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) },
        });

        Assert.True((await Store.TryBeginAsync(Begin(key, "ours"))).Acquired);
        Assert.Equal("S:ours", Items.Describe(await RawAsync(key))["owner_token"]);
    }

    [Fact]
    public async Task Given_an_in_progress_record_written_by_Powertools_with_a_live_lease_When_we_complete_or_release_it_Then_we_are_not_its_owner()
    {
        var key = NewKey();
        await WriteRawAsync(key, new()
        {
            ["status"] = new() { S = "INPROGRESS" },
            ["expiration"] = new() { N = _t0.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["in_progress_expiration"] = new() { N = _t0.AddMinutes(5).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) },
        });

        var lost = await Store.TryBeginAsync(Begin(key, "ours"));
        await Assert.ThrowsAsync<IdempotencyStaleOwnerException>(async () =>
            await Store.CompleteAsync(new CompleteRequest(key, "ours", _t0.AddHours(1), "\"no\"", null)));
        await Assert.ThrowsAsync<IdempotencyStaleOwnerException>(async () => await Store.ReleaseAsync(key, "ours"));

        Assert.False(lost.Acquired);
        Assert.Equal(IdempotencyRecordStatus.InProgress, lost.Existing?.Status);
        Assert.Null(lost.Existing?.OwnerToken);
        Assert.Equal("S:INPROGRESS", Items.Describe(await RawAsync(key))["status"]);
    }

    [Fact]
    public async Task Given_an_item_with_an_unknown_status_When_read_or_begun_over_Then_it_is_reported_as_corrupt()
    {
        var key = NewKey();
        await WriteRawAsync(key, new()
        {
            ["status"] = new() { S = "DONE" },
            ["expiration"] = new() { N = _t0.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) },
        });

        var onRead = await Assert.ThrowsAsync<IdempotencyCorruptRecordException>(async () => await Store.GetAsync(key));
        var onBegin = await Assert.ThrowsAsync<IdempotencyCorruptRecordException>(async () => await Store.TryBeginAsync(Begin(key, "ours")));

        Assert.Contains("DONE", onRead.Message);
        Assert.Contains(key, onBegin.Message);
    }

    [Fact]
    public async Task Given_an_item_whose_expiry_is_not_a_number_When_read_Then_it_is_reported_as_corrupt()
    {
        var key = NewKey();
        await WriteRawAsync(key, new()
        {
            ["status"] = new() { S = "COMPLETED" },
            ["expiration"] = new() { S = "tomorrow" },
        });

        var error = await Assert.ThrowsAsync<IdempotencyCorruptRecordException>(async () => await Store.GetAsync(key));

        Assert.Contains("expiration", error.Message);
    }

    [Fact]
    public async Task Given_a_table_that_does_not_exist_When_the_store_is_used_Then_it_fails_with_a_configuration_error_that_is_not_transient()
    {
        var table = "no-such-table-" + Guid.NewGuid().ToString("N");
        var store = new DynamoDbIdempotencyStore(Client, new DynamoDbIdempotencyStoreOptions { TableName = table });

        var error = await Assert.ThrowsAsync<IdempotencyConfigurationException>(async () => await store.TryBeginAsync(Begin(NewKey(), "owner-1")));

        Assert.IsType<ResourceNotFoundException>(error.InnerException);
        Assert.False(error.IsTransient);
        Assert.Contains(table, error.Message);
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public async Task Given_options_naming_a_key_attribute_the_table_does_not_have_When_the_store_is_used_Then_DynamoDBs_validation_error_is_a_configuration_error()
    {
        // The table is keyed by "id"; a store told the key is "pk" sends requests DynamoDB rejects as invalid.
        var store = new DynamoDbIdempotencyStore(Client, new DynamoDbIdempotencyStoreOptions { TableName = Options.TableName, KeyAttributeName = "pk" });

        var begin = await Assert.ThrowsAsync<IdempotencyConfigurationException>(async () => await store.TryBeginAsync(Begin(NewKey(), "owner-1")));
        var read = await Assert.ThrowsAsync<IdempotencyConfigurationException>(async () => await store.GetAsync(NewKey()));

        Assert.Equal("ValidationException", Assert.IsAssignableFrom<AmazonDynamoDBException>(begin.InnerException).ErrorCode);
        Assert.False(begin.IsTransient);
        Assert.Contains("rejected as invalid", read.Message);
    }

    [Fact]
    public async Task Given_a_lease_longer_than_the_record_expiry_When_begun_and_extended_Then_the_TTL_attribute_never_precedes_the_lease()
    {
        var key = NewKey();
        // Record expiry 10 s, lease 5 min 250 ms: the TTL must cover the lease, rounded up to the next whole second.
        var lease = _t0.AddMinutes(5).AddMilliseconds(250);
        await Store.TryBeginAsync(new BeginRequest(key, "owner-1", _t0, _t0.AddSeconds(10), lease, null));
        var begun = Items.Describe(await RawAsync(key));
        Assert.Equal(Items.Seconds(_t0.AddMinutes(5).AddSeconds(1)), begun["expiration"]);

        var extended = _t0.AddHours(12).AddMilliseconds(1);
        await Store.ExtendLeaseAsync(new ExtendLeaseRequest(key, "owner-1", extended, _t0.AddMinutes(5)));
        var after = Items.Describe(await RawAsync(key));
        Assert.Equal(Items.Milliseconds(extended), after["in_progress_expiration"]);
        Assert.Equal(Items.Seconds(_t0.AddHours(12).AddSeconds(1)), after["expiration"]);
    }

    [Fact]
    public async Task Given_a_response_over_the_item_limit_When_completed_Then_it_is_too_large_and_a_completion_without_the_response_is_stored_with_the_flag()
    {
        var key = NewKey();
        await Store.TryBeginAsync(Begin(key, "owner-1"));
        var huge = "\"" + new string('x', 410 * 1024) + "\"";

        await Assert.ThrowsAsync<IdempotencyRecordTooLargeException>(async () =>
            await Store.CompleteAsync(new CompleteRequest(key, "owner-1", _t0.AddHours(1), huge, null)));
        Assert.Equal("S:INPROGRESS", Items.Describe(await RawAsync(key))["status"]);

        await Store.CompleteAsync(new CompleteRequest(key, "owner-1", _t0.AddHours(1), huge, null) { ResponseNotStored = true });

        var raw = Items.Describe(await RawAsync(key));
        Assert.Equal("S:COMPLETED", raw["status"]);
        Assert.False(raw.ContainsKey("data"));
        Assert.Equal("BOOL:True", raw["response_not_stored"]);
        var record = await Store.GetAsync(key);
        Assert.True(record!.ResponseNotStored);
        Assert.Null(record.ResponseData);
    }

    private static string NewKey() => $"behaviour#{Guid.NewGuid():N}";

    private BeginRequest Begin(string key, string owner, TimeSpan at = default, TimeSpan? lease = null) =>
        new(key, owner, _t0 + at, _t0 + at + TimeSpan.FromHours(1), _t0 + at + (lease ?? TimeSpan.FromMinutes(5)), null);

    private Task<Dictionary<string, AttributeValue>?> RawAsync(string key) => Items.ReadAsync(Client, Options.TableName, Items.Key("id", key));

    private async Task WriteRawAsync(string key, Dictionary<string, AttributeValue> attributes)
    {
        attributes["id"] = new AttributeValue { S = key };
        await Client.PutItemAsync(new PutItemRequest { TableName = Options.TableName, Item = attributes });
    }
}

/// <summary>Behaviour on DynamoDB Local.</summary>
[Collection(EmulatorCollections.DynamoDbLocal)]
public sealed class DynamoDbLocalStoreBehaviourTests(DynamoDbLocalFixture fixture) : DynamoDbStoreBehaviourTests(fixture);

/// <summary>Behaviour on dynalite.</summary>
[Collection(EmulatorCollections.Dynalite)]
public sealed class DynaliteStoreBehaviourTests(DynaliteFixture fixture) : DynamoDbStoreBehaviourTests(fixture);
