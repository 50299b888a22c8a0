using IdempotentConsumer.Exceptions;
using Microsoft.Data.Sqlite;
using Xunit;
using static IdempotentConsumer.Sqlite.Tests.TestTimes;

namespace IdempotentConsumer.Sqlite.Tests;

/// <summary>Rows written by something other than the store (a tampered or foreign table) are refused with a typed error.</summary>
public sealed class CorruptRecordTests : IDisposable
{
    private readonly TemporaryDatabase _database = new();

    [Fact]
    public async Task Given_a_row_with_an_unknown_status_When_read_Then_a_corrupt_record_error_names_the_key_and_status()
    {
        await using var store = await StoreWithRowAsync("k-1", "'EXPIRED'", Future);

        var error = await Assert.ThrowsAsync<IdempotencyCorruptRecordException>(async () => await store.GetAsync("k-1"));

        Assert.Contains("k-1", error.Message, StringComparison.Ordinal);
        Assert.Contains("EXPIRED", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_an_unexpired_row_with_an_unknown_status_When_an_attempt_begins_Then_it_fails_with_a_corrupt_record_error_and_the_row_is_untouched()
    {
        await using var store = await StoreWithRowAsync("k-2", "'in_progress'", Future);

        await Assert.ThrowsAsync<IdempotencyCorruptRecordException>(async () => await store.TryBeginAsync(Begin("k-2", NewOwner())));

        Assert.Equal("in_progress", await ScalarAsync("SELECT status FROM idempotency_records WHERE \"key\" = 'k-2';"));
    }

    [Fact]
    public async Task Given_an_expired_row_with_an_unknown_status_When_an_attempt_begins_Then_it_wins_because_expired_rows_are_free()
    {
        await using var store = await StoreWithRowAsync("k-3", "'BOGUS'", Past);

        Assert.True((await store.TryBeginAsync(Begin("k-3", NewOwner()))).Acquired);
        Assert.Equal("INPROGRESS", await ScalarAsync("SELECT status FROM idempotency_records WHERE \"key\" = 'k-3';"));
    }

    [Fact]
    public async Task Given_a_null_status_or_a_text_expiration_When_read_many_Then_a_corrupt_record_error_is_raised()
    {
        await using var store = await StoreWithRowAsync("k-4", "NULL", Future, nullableStatus: true);
        await Assert.ThrowsAsync<IdempotencyCorruptRecordException>(async () => await store.GetManyAsync(["k-4"]));

        await ExecAsync("INSERT INTO idempotency_records VALUES ('k-5', 'COMPLETED', 'tomorrow', NULL, NULL, '1', 'o', 0);");
        var error = await Assert.ThrowsAsync<IdempotencyCorruptRecordException>(async () => await store.GetAsync("k-5"));
        Assert.Contains("expiration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_file_that_is_not_a_database_When_the_store_is_used_Then_a_persistence_error_carries_the_sqlite_cause()
    {
        await File.WriteAllTextAsync(_database.FilePath, new string('x', 4096));
        await using var store = _database.CreateStore();

        var error = await Assert.ThrowsAsync<IdempotencyPersistenceException>(async () => await store.GetAsync("k-6"));

        Assert.Equal(26, Assert.IsType<SqliteException>(error.InnerException).SqliteErrorCode); // SQLITE_NOTADB
    }

    public void Dispose() => _database.Dispose();

    private static long Future => (T0 + TimeSpan.FromDays(1)).ToUnixTimeSeconds();

    private static long Past => (T0 - TimeSpan.FromDays(1)).ToUnixTimeSeconds();

    private async Task<SqliteIdempotencyStore> StoreWithRowAsync(string key, string statusSql, long expiration, bool nullableStatus = false)
    {
        var store = _database.CreateStore();
        await store.EnsureSchemaAsync();
        if (nullableStatus)
        {
            // The store's schema forbids a null status; a foreign tool may have made its own table without that rule.
            await ExecAsync("DROP TABLE idempotency_records; CREATE TABLE idempotency_records (\"key\" TEXT PRIMARY KEY, status TEXT, expiration INTEGER, in_progress_expiration INTEGER, validation TEXT, data TEXT, owner TEXT, response_not_stored INTEGER NOT NULL DEFAULT 0);");
        }

        await ExecAsync($"INSERT INTO idempotency_records VALUES ('{key}', {statusSql}, {expiration}, NULL, NULL, NULL, 'someone', 0);");
        return store;
    }

    private async Task ExecAsync(string sql)
    {
        await using var connection = new SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
