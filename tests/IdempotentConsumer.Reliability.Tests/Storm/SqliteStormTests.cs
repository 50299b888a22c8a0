using IdempotentConsumer.Reliability.Tests.Support;
using IdempotentConsumer.Stores;
using Xunit.Abstractions;

namespace IdempotentConsumer.Reliability.Tests.Storm;

/// <summary>The storm suite on the SQLite store (a database file, full durability).</summary>
public sealed class SqliteStormTests(ITestOutputHelper output) : StormSuite(output)
{
    private SqliteTestDatabase? _database;

    /// <inheritdoc />
    protected override ValueTask<IIdempotencyStore> CreateStoreAsync()
    {
        _database = ReliabilityStores.Sqlite();
        return ValueTask.FromResult<IIdempotencyStore>(_database.Store);
    }

    /// <inheritdoc />
    public override async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
