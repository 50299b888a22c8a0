using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Records;
using Microsoft.Data.Sqlite;
using Xunit;
using static IdempotentConsumer.Sqlite.Tests.TestTimes;

namespace IdempotentConsumer.Sqlite.Tests;

/// <summary>What the store creates on first use, and which settings it refuses.</summary>
public sealed class SchemaAndOptionsTests : IDisposable
{
    private readonly TemporaryDatabase _database = new();

    [Fact]
    public async Task Given_a_new_file_When_the_store_is_first_used_Then_the_file_is_in_WAL_mode_and_the_table_has_the_documented_columns()
    {
        await using var store = _database.CreateStore();

        await store.EnsureSchemaAsync();

        Assert.Equal("wal", store.JournalMode);
        await using var connection = await OpenAsync();
        Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode;"));
        var columns = new List<(string Name, string Type, bool NotNull, bool PrimaryKey)>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "PRAGMA table_info(idempotency_records);";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                columns.Add((reader.GetString(1), reader.GetString(2), reader.GetInt64(3) == 1, reader.GetInt64(5) == 1));
            }
        }

        Assert.Equal(
            [
                ("key", "TEXT", true, true),
                ("status", "TEXT", true, false),
                ("expiration", "INTEGER", true, false),
                ("in_progress_expiration", "INTEGER", false, false),
                ("validation", "TEXT", false, false),
                ("data", "TEXT", false, false),
                ("owner", "TEXT", false, false),
                ("response_not_stored", "INTEGER", true, false),
            ],
            columns);
    }

    [Fact]
    public async Task Given_a_file_created_before_the_response_not_stored_column_When_the_store_opens_it_Then_the_column_is_added_and_old_rows_read_as_stored()
    {
        await using (var old = await OpenAsync())
        {
            await using var create = old.CreateCommand();
            create.CommandText =
                """
                CREATE TABLE idempotency_records ("key" TEXT NOT NULL PRIMARY KEY, status TEXT NOT NULL, expiration INTEGER NOT NULL,
                    in_progress_expiration INTEGER NULL, validation TEXT NULL, data TEXT NULL, owner TEXT NULL) WITHOUT ROWID;
                INSERT INTO idempotency_records VALUES ('old', 'COMPLETED', 4102444800, NULL, NULL, '"kept"', 'o-1');
                """;
            await create.ExecuteNonQueryAsync();
        }

        await using var store = _database.CreateStore();
        var before = await store.GetAsync("old");
        var owner = NewOwner();
        await store.TryBeginAsync(Begin("new", owner));
        await store.CompleteAsync(Complete("new", owner, null) with { ResponseNotStored = true });

        Assert.Equal("\"kept\"", before!.ResponseData);
        Assert.False(before.ResponseNotStored);
        Assert.True((await store.GetAsync("new"))!.ResponseNotStored);
        await using var connection = await OpenAsync();
        Assert.Equal(1L, await ScalarAsync(connection, "SELECT COUNT(*) FROM pragma_table_info('idempotency_records') WHERE name = 'response_not_stored';"));
    }

    [Fact]
    public async Task Given_an_in_progress_record_whose_lease_outlasts_its_expiry_When_purged_past_the_expiry_Then_it_stays_until_the_lease_ends()
    {
        await using var store = _database.CreateStore();
        var owner = NewOwner();
        await store.TryBeginAsync(new Stores.BeginRequest("long", owner, T0, T0 + TimeSpan.FromMinutes(1), T0 + TimeSpan.FromHours(12), null));
        await store.ExtendLeaseAsync(new Stores.ExtendLeaseRequest("long", owner, T0 + TimeSpan.FromHours(13), T0 + TimeSpan.FromHours(13)));

        var early = await store.PurgeExpiredAsync(T0 + TimeSpan.FromHours(12) + TimeSpan.FromMinutes(30));
        var record = await store.GetAsync("long");
        var late = await store.PurgeExpiredAsync(T0 + TimeSpan.FromHours(13));

        Assert.Equal(0, early);
        Assert.Equal(IdempotencyRecordStatus.InProgress, record!.Status);
        Assert.Equal(T0 + TimeSpan.FromHours(13), record.ExpiresAt);
        Assert.Equal(1, late);
    }

    [Fact]
    public async Task Given_a_row_whose_expiry_precedes_its_live_lease_When_purged_Then_the_live_lease_protects_it()
    {
        await using var store = _database.CreateStore();
        await store.TryBeginAsync(Begin("guarded", NewOwner()));
        await using (var connection = await OpenAsync())
        {
            // As an older version left it: expiry fixed at begin, lease extended past it.
            await using var age = connection.CreateCommand();
            age.CommandText = $"UPDATE idempotency_records SET expiration = {(T0 - TimeSpan.FromMinutes(1)).ToUnixTimeSeconds()}, in_progress_expiration = {(T0 + TimeSpan.FromMinutes(10)).ToUnixTimeMilliseconds()};";
            await age.ExecuteNonQueryAsync();
        }

        Assert.Equal(0, await store.PurgeExpiredAsync(T0));
        Assert.NotNull(await store.GetAsync("guarded"));
        Assert.Equal(1, await store.PurgeExpiredAsync(T0 + TimeSpan.FromMinutes(10)));
    }

    [Fact]
    public async Task Given_a_begun_record_When_inspected_in_the_table_Then_times_are_epoch_seconds_and_milliseconds_and_the_status_uses_powertools_spelling()
    {
        await using var store = _database.CreateStore();
        var request = Begin("k", "owner-1") with { PayloadHash = "h" };
        await store.TryBeginAsync(request);

        await using var connection = await OpenAsync();
        Assert.Equal("INPROGRESS", await ScalarAsync(connection, "SELECT status FROM idempotency_records;"));
        Assert.Equal(request.ExpiresAt.ToUnixTimeSeconds(), await ScalarAsync(connection, "SELECT expiration FROM idempotency_records;"));
        Assert.Equal(request.InProgressExpiresAt.ToUnixTimeMilliseconds(), await ScalarAsync(connection, "SELECT in_progress_expiration FROM idempotency_records;"));
        Assert.Equal("h", await ScalarAsync(connection, "SELECT validation FROM idempotency_records;"));
        Assert.Equal("owner-1", await ScalarAsync(connection, "SELECT owner FROM idempotency_records;"));
    }

    [Fact]
    public async Task Given_two_table_names_in_one_file_When_the_same_key_is_begun_in_both_Then_each_table_has_its_own_record()
    {
        await using var orders = _database.CreateStore(options => options.TableName = "orders_idempotency");
        await using var refunds = _database.CreateStore(options => options.TableName = "refunds_idempotency");

        Assert.True((await orders.TryBeginAsync(Begin("k", NewOwner()))).Acquired);
        Assert.True((await refunds.TryBeginAsync(Begin("k", NewOwner()))).Acquired);
        Assert.Equal("orders_idempotency", orders.TableName);
    }

    [Fact]
    public async Task Given_expired_and_live_records_When_expired_ones_are_purged_Then_only_the_expired_ones_are_deleted()
    {
        await using var store = _database.CreateStore();
        var live = Begin("live", NewOwner());
        var expired = new Stores.BeginRequest("old", NewOwner(), T0 - TimeSpan.FromHours(2), T0 - TimeSpan.FromHours(1), T0 - TimeSpan.FromHours(1), null);
        await store.TryBeginAsync(live);
        await store.TryBeginAsync(expired);

        var purged = await store.PurgeExpiredAsync(T0);

        Assert.Equal(1, purged);
        Assert.Null(await store.GetAsync("old"));
        Assert.NotNull(await store.GetAsync("live"));
    }

    [Fact]
    public async Task Given_a_connection_string_for_an_in_memory_database_When_used_Then_the_store_works_on_its_single_connection()
    {
        await using var store = new SqliteIdempotencyStore(new SqliteIdempotencyStoreOptions { ConnectionString = "Data Source=:memory:" });
        var owner = NewOwner();

        Assert.True((await store.TryBeginAsync(Begin("k", owner))).Acquired);
        await store.CompleteAsync(Complete("k", owner, "\"ok\""));

        Assert.Equal(IdempotencyRecordStatus.Completed, (await store.GetAsync("k"))?.Status);
        Assert.Equal("memory", store.JournalMode);
        Assert.Null(store.DataSource);
    }

    [Fact]
    public async Task Given_a_connection_string_When_used_Then_it_takes_precedence_over_the_data_source()
    {
        var other = Path.Combine(_database.Folder, "other.db");
        await using var store = new SqliteIdempotencyStore(new SqliteIdempotencyStoreOptions { ConnectionString = $"Data Source={other}", DataSource = _database.FilePath });

        await store.TryBeginAsync(Begin("k", NewOwner()));

        Assert.True(File.Exists(other));
        Assert.False(File.Exists(_database.FilePath));
    }

    [Theory]
    [InlineData("records; DROP TABLE x")]
    [InlineData("1records")]
    [InlineData("")]
    [InlineData("my-table")]
    public void Given_an_unsafe_table_name_When_the_store_is_created_Then_it_is_a_configuration_error(string tableName)
    {
        Assert.Throws<IdempotencyConfigurationException>(() => _database.CreateStore(options => options.TableName = tableName));
    }

    [Fact]
    public void Given_neither_a_data_source_nor_a_connection_string_When_the_store_is_created_Then_it_is_a_configuration_error()
    {
        var error = Assert.Throws<IdempotencyConfigurationException>(() => new SqliteIdempotencyStore(new SqliteIdempotencyStoreOptions()));
        Assert.Contains("DataSource", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_read_only_connection_string_or_nonsense_limits_When_the_store_is_created_Then_it_is_a_configuration_error()
    {
        Assert.Throws<IdempotencyConfigurationException>(() => new SqliteIdempotencyStore(new SqliteIdempotencyStoreOptions { ConnectionString = $"Data Source={_database.FilePath};Mode=ReadOnly" }));
        Assert.Throws<IdempotencyConfigurationException>(() => new SqliteIdempotencyStore(new SqliteIdempotencyStoreOptions { ConnectionString = "Data Source=x;NoSuchKeyword=1" }));
        Assert.Throws<IdempotencyConfigurationException>(() => _database.CreateStore(options => options.MaxConnections = 0));
        Assert.Throws<IdempotencyConfigurationException>(() => _database.CreateStore(options => options.MaxBusyRetries = -1));
        Assert.Throws<IdempotencyConfigurationException>(() => _database.CreateStore(options => options.BusyTimeout = TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public async Task Given_a_disposed_store_When_used_Then_it_throws_object_disposed()
    {
        var store = _database.CreateStore();
        await store.TryBeginAsync(Begin("k", NewOwner()));
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.GetAsync("k"));
    }

    [Fact]
    public async Task Given_normal_synchronous_mode_When_records_are_written_Then_the_connection_uses_it_and_records_round_trip()
    {
        await using var store = _database.CreateStore(options => options.Synchronous = SqliteSynchronousMode.Normal);
        var owner = NewOwner();

        Assert.True((await store.TryBeginAsync(Begin("k", owner))).Acquired);
        await store.ReleaseAsync("k", owner);

        Assert.Null(await store.GetAsync("k"));
    }

    public void Dispose() => _database.Dispose();

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
