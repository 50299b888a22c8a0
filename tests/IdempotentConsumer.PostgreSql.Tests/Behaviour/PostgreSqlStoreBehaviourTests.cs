using IdempotentConsumer.Exceptions;
using IdempotentConsumer.PostgreSql.Tests.Support;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Npgsql;
using Xunit;

namespace IdempotentConsumer.PostgreSql.Tests.Behaviour;

/// <summary>What the PostgreSQL store does beyond the shared contract: purge, release of completed records, schema and errors.</summary>
[Collection(EmulatorCollections.PostgreSql)]
public sealed class PostgreSqlStoreBehaviourTests(PostgreSqlServerFixture postgres)
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(1_900_000_000);

    private NpgsqlDataSource DataSource => PostgreSqlDataSources.For(postgres.ConnectionString);

    private PostgreSqlIdempotencyStore NewStore(bool createTable = true) =>
        new(DataSource, new PostgreSqlIdempotencyStoreOptions { TableName = PostgreSqlDataSources.NewTableName("behaviour"), CreateTableIfMissing = createTable });

    [Fact]
    public async Task Given_a_completed_record_When_its_owner_releases_it_Then_it_is_a_stale_owner_and_the_record_stays_completed()
    {
        // An inbox commit whose outcome the client did not learn is followed by a release: it must not undo the completion.
        var store = NewStore();
        await store.TryBeginAsync(new BeginRequest("k", "owner", T0, T0.AddHours(1), T0.AddMinutes(1), null));
        await store.CompleteAsync(new CompleteRequest("k", "owner", T0.AddHours(1), "\"done\"", null));

        await Assert.ThrowsAsync<IdempotencyStaleOwnerException>(async () => await store.ReleaseAsync("k", "owner"));

        Assert.Equal(IdempotencyRecordStatus.Completed, (await store.GetAsync("k"))!.Status);
    }

    [Fact]
    public async Task Given_expired_live_and_lease_protected_records_When_purged_Then_only_expired_records_without_a_live_lease_are_deleted()
    {
        var store = NewStore();
        await store.TryBeginAsync(new BeginRequest("expired", "a", T0, T0.AddSeconds(10), T0.AddSeconds(5), null));
        await store.CompleteAsync(new CompleteRequest("expired", "a", T0.AddSeconds(10), null, null));
        await store.TryBeginAsync(new BeginRequest("live", "b", T0, T0.AddHours(1), T0.AddSeconds(5), null));
        await store.TryBeginAsync(new BeginRequest("leased", "c", T0, T0.AddSeconds(10), T0.AddSeconds(5), null));
        // A lease moved past the expiry by hand (as an older writer might have left it) still protects the record.
        await PostgreSqlDataSources.ExecuteAsync(DataSource, $"UPDATE {store.QualifiedTableName} SET in_progress_expiration = {T0.AddMinutes(5).ToUnixTimeMilliseconds()} WHERE \"key\" = 'leased'");

        var deleted = await store.PurgeExpiredAsync(T0.AddMinutes(1));

        Assert.Equal(1, deleted);
        Assert.Null(await store.GetAsync("expired"));
        Assert.NotNull(await store.GetAsync("live"));
        Assert.NotNull(await store.GetAsync("leased"));
    }

    [Fact]
    public async Task Given_table_creation_turned_off_and_no_table_When_a_begin_runs_Then_it_is_a_configuration_error_naming_the_table()
    {
        var store = NewStore(createTable: false);

        var error = await Assert.ThrowsAsync<IdempotencyConfigurationException>(async () =>
            await store.TryBeginAsync(new BeginRequest("k", "owner", T0, T0.AddHours(1), T0.AddMinutes(1), null)));

        Assert.Contains(store.QualifiedTableName, error.Message, StringComparison.Ordinal);
        Assert.Contains("42P01", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_row_with_a_status_this_store_never_writes_When_read_or_begun_Then_it_is_reported_as_corrupt()
    {
        var store = NewStore();
        await store.EnsureSchemaAsync();
        await PostgreSqlDataSources.ExecuteAsync(DataSource, $"INSERT INTO {store.QualifiedTableName} (\"key\", status, expiration) VALUES ('odd', 'PENDING', {T0.AddHours(1).ToUnixTimeSeconds()})");

        await Assert.ThrowsAsync<IdempotencyCorruptRecordException>(async () => await store.GetAsync("odd"));
        await Assert.ThrowsAsync<IdempotencyCorruptRecordException>(async () =>
            await store.TryBeginAsync(new BeginRequest("odd", "owner", T0, T0.AddHours(1), T0.AddMinutes(1), null)));
    }

    [Fact]
    public async Task Given_a_server_that_does_not_listen_When_a_begin_runs_Then_it_is_a_persistence_error()
    {
        await using var store = new PostgreSqlIdempotencyStore(new PostgreSqlIdempotencyStoreOptions
        {
            ConnectionString = $"Host=127.0.0.1;Port={FreePort.Next()};Username=postgres;Timeout=2",
        });

        await Assert.ThrowsAsync<IdempotencyPersistenceException>(async () =>
            await store.TryBeginAsync(new BeginRequest("k", "owner", T0, T0.AddHours(1), T0.AddMinutes(1), null)));
    }

    [Fact]
    public async Task Given_many_owners_racing_for_many_keys_at_once_When_each_loses_Then_it_receives_the_winners_record_from_the_same_round_trip()
    {
        var store = NewStore();
        var keys = Enumerable.Range(0, 20).Select(i => $"race-{i}").ToArray();

        var attempts = await Task.WhenAll(keys.SelectMany(key => Enumerable.Range(0, 8).Select(async contender =>
        {
            var owner = $"{key}-owner-{contender}";
            var result = await store.TryBeginAsync(new BeginRequest(key, owner, T0, T0.AddHours(1), T0.AddMinutes(1), null));
            return (Key: key, Owner: owner, Result: result);
        })));

        foreach (var group in attempts.GroupBy(a => a.Key))
        {
            var winner = Assert.Single(group, a => a.Result.Acquired);
            Assert.All(group.Where(a => !a.Result.Acquired), loser => Assert.Equal(winner.Owner, loser.Result.Existing!.OwnerToken));
        }
    }
}
