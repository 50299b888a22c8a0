using IdempotentConsumer.Records;
using Xunit;
using static IdempotentConsumer.Sqlite.Tests.TestTimes;

namespace IdempotentConsumer.Sqlite.Tests;

/// <summary>Records live in the file, not in the store object: a restarted consumer still deduplicates.</summary>
public sealed class RestartTests : IDisposable
{
    private readonly TemporaryDatabase _database = new();

    [Fact]
    public async Task Given_a_completed_record_When_the_store_is_disposed_and_reopened_on_the_same_file_Then_the_record_is_still_there_and_deduplicates()
    {
        var key = NewKey();
        var owner = NewOwner();
        await using (var before = _database.CreateStore())
        {
            Assert.True((await before.TryBeginAsync(Begin(key, owner))).Acquired);
            await before.CompleteAsync(Complete(key, owner, "{\"shipped\":true}"));
        }

        await using var after = _database.CreateStore();
        var record = await after.GetAsync(key);
        var duplicate = await after.TryBeginAsync(Begin(key, NewOwner(), at: TimeSpan.FromMinutes(1)));

        Assert.NotNull(record);
        Assert.Equal(IdempotencyRecordStatus.Completed, record.Status);
        Assert.Equal("{\"shipped\":true}", record.ResponseData);
        Assert.Equal(owner, record.OwnerToken);
        Assert.False(duplicate.Acquired);
        Assert.Equal("{\"shipped\":true}", duplicate.Existing?.ResponseData);
    }

    [Fact]
    public async Task Given_an_in_progress_record_When_the_process_restarts_before_the_lease_lapses_Then_the_lease_still_blocks_and_the_old_owner_can_complete()
    {
        var key = NewKey();
        var owner = NewOwner();
        await using (var before = _database.CreateStore())
        {
            Assert.True((await before.TryBeginAsync(Begin(key, owner, lease: TimeSpan.FromMinutes(5)))).Acquired);
        }

        await using var after = _database.CreateStore();
        var contender = await after.TryBeginAsync(Begin(key, NewOwner(), at: TimeSpan.FromMinutes(1)));
        await after.CompleteAsync(Complete(key, owner, "1"));

        Assert.False(contender.Acquired);
        Assert.Equal(IdempotencyRecordStatus.InProgress, contender.Existing?.Status);
        Assert.Equal(IdempotencyRecordStatus.Completed, (await after.GetAsync(key))?.Status);
    }

    [Fact]
    public async Task Given_a_store_without_a_database_folder_When_first_used_Then_the_folder_and_file_are_created()
    {
        var nested = Path.Combine(_database.Folder, "a", "b", "records.db");
        await using var store = new SqliteIdempotencyStore(new SqliteIdempotencyStoreOptions { DataSource = nested });

        Assert.True((await store.TryBeginAsync(Begin(NewKey(), NewOwner()))).Acquired);
        Assert.True(File.Exists(nested));
        Assert.Equal(Path.GetFullPath(nested), store.DataSource);
    }

    public void Dispose() => _database.Dispose();
}
