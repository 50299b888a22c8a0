using IdempotentConsumer.StoreConformance;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Sqlite.Tests;

/// <summary>The SQLite store passes the conformance suite every store must pass, unchanged.</summary>
public sealed class SqliteStoreConformanceTests : IdempotencyStoreConformanceTests
{
    private readonly TemporaryDatabase _database = new();

    /// <inheritdoc />
    protected override ValueTask<IIdempotencyStore> CreateStoreAsync() =>
        ValueTask.FromResult<IIdempotencyStore>(_database.CreateStore());

    /// <inheritdoc />
    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
    }
}
