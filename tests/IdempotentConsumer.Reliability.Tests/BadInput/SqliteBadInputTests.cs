using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Reliability.Tests.Support;
using IdempotentConsumer.Stores;
using Microsoft.Data.Sqlite;
using Xunit;

namespace IdempotentConsumer.Reliability.Tests.BadInput;

/// <summary>Bad input through the pipeline on SQLite, plus rows tampered with behind the store's back.</summary>
public sealed class SqliteBadInputTests : BadInputSuite
{
    private SqliteTestDatabase? _database;

    /// <inheritdoc />
    protected override Task<IIdempotencyStore> CreateStoreAsync()
    {
        _database = ReliabilityStores.Sqlite();
        return Task.FromResult<IIdempotencyStore>(_database.Store);
    }

    /// <inheritdoc />
    public override async Task DisposeAsync() => await _database!.DisposeAsync();

    [Theory]
    [InlineData("an unknown status", "'DONE'", "'\"shipped\"'", "strftime('%s','now') + 3600")]
    [InlineData("a lowercase status", "'completed'", "'\"shipped\"'", "strftime('%s','now') + 3600")]
    [InlineData("a text expiration", "'COMPLETED'", "'\"shipped\"'", "'tomorrow'")]
    [InlineData("a response that is not JSON", "'COMPLETED'", "'{\"shipped\": tru'", "strftime('%s','now') + 3600")]
    public async Task Given_a_tampered_row_for_one_order_When_its_message_arrives_Then_only_it_fails_as_a_corrupt_record(string tampering, string status, string data, string expiration)
    {
        var batch = new BadInputBatch<Order>(Store, IdempotencyKeySource.From<Order>(o => o.OrderId), o => o.OrderId);
        var tampered = new Order("order-tampered", "u", "p");
        Assert.True(batch.Executor.TryGetKey(new IdempotencyInvocation<Order>(tampered), out var key));
        await _database!.Store.EnsureSchemaAsync();
        await ExecuteAsync($"INSERT INTO idempotency_records (\"key\", status, expiration, in_progress_expiration, validation, data, owner) VALUES ('{key}', {status}, {expiration}, NULL, NULL, {data}, 'someone');");

        var result = await batch.RunAsync(System.Text.Json.JsonSerializer.Serialize(tampered, System.Text.Json.JsonSerializerOptions.Web));

        batch.AssertFailedWith(result, typeof(IdempotencyCorruptRecordException));
        Assert.Contains(key, result.Error!.Message, StringComparison.Ordinal);
        var untouched = await ScalarAsync($"SELECT count(*) FROM idempotency_records WHERE \"key\" = '{key}' AND owner = 'someone';");
        Assert.True(Equals(1L, untouched), $"The row with {tampering} was changed; it must be left for an operator.");
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_database!.FilePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_database!.FilePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
