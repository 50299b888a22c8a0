using System.Diagnostics;
using IdempotentConsumer.Exceptions;
using Microsoft.Data.Sqlite;
using Xunit;
using static IdempotentConsumer.Sqlite.Tests.TestTimes;

namespace IdempotentConsumer.Sqlite.Tests;

/// <summary>Another connection (standing in for another process) holding the write lock.</summary>
public sealed class BusyDatabaseTests : IDisposable
{
    private readonly TemporaryDatabase _database = new();

    [Fact]
    public async Task Given_another_process_holds_the_write_lock_briefly_When_an_attempt_begins_Then_it_waits_and_wins_after_the_lock_is_released()
    {
        await using var store = _database.CreateStore();
        await store.EnsureSchemaAsync();
        await using var holder = await HoldWriteLockAsync();

        var release = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            await Exec(holder, "COMMIT;");
        });
        var stopwatch = Stopwatch.StartNew();
        var result = await store.TryBeginAsync(Begin(NewKey(), NewOwner()));
        stopwatch.Stop();
        await release;

        Assert.True(result.Acquired);
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(200), $"Expected the begin to wait for the lock, it took {stopwatch.ElapsedMilliseconds} ms.");
    }

    [Fact]
    public async Task Given_another_process_holds_the_write_lock_for_good_When_an_attempt_begins_Then_it_gives_up_after_bounded_retries_with_a_persistence_error()
    {
        await using var store = _database.CreateStore(options =>
        {
            options.BusyTimeout = TimeSpan.FromMilliseconds(100);
            options.MaxBusyRetries = 2;
            options.BusyRetryBaseDelay = TimeSpan.FromMilliseconds(10);
            options.BusyRetryMaxDelay = TimeSpan.FromMilliseconds(20);
        });
        await store.EnsureSchemaAsync();
        await using var holder = await HoldWriteLockAsync();
        var key = NewKey();

        var stopwatch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<IdempotencyPersistenceException>(async () => await store.TryBeginAsync(Begin(key, NewOwner())));
        stopwatch.Stop();

        var cause = Assert.IsType<SqliteException>(error.InnerException);
        Assert.Equal(5, cause.SqliteErrorCode); // SQLITE_BUSY
        Assert.True(error.IsTransient);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), $"Giving up took {stopwatch.ElapsedMilliseconds} ms.");

        // Once the lock is gone the same store works again: the failed attempts left no open transaction behind.
        await Exec(holder, "ROLLBACK;");
        Assert.True((await store.TryBeginAsync(Begin(key, NewOwner()))).Acquired);
    }

    [Fact]
    public async Task Given_another_process_holds_the_write_lock_When_a_record_is_read_Then_the_read_is_not_blocked_and_sees_only_committed_data()
    {
        await using var store = _database.CreateStore(options => options.BusyTimeout = TimeSpan.FromSeconds(30));
        var key = NewKey();
        var owner = NewOwner();
        Assert.True((await store.TryBeginAsync(Begin(key, owner))).Acquired);
        await using var holder = await HoldWriteLockAsync();
        await Exec(holder, $"DELETE FROM idempotency_records WHERE \"key\" = '{key}';");

        var stopwatch = Stopwatch.StartNew();
        var record = await store.GetAsync(key);
        stopwatch.Stop();

        Assert.Equal(owner, record?.OwnerToken);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"The read waited {stopwatch.ElapsedMilliseconds} ms behind the writer.");
    }

    public void Dispose() => _database.Dispose();

    private async Task<SqliteConnection> HoldWriteLockAsync()
    {
        var connection = new SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await Exec(connection, "BEGIN IMMEDIATE;");
        return connection;
    }

    private static async Task Exec(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
