using IdempotentConsumer.Records;
using IdempotentConsumer.StoreConformance;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Sqlite.Tests;

/// <summary>
/// The conformance suite again, with every call sent alternately to one of two store instances on the same
/// file: two processes sharing the database must together behave as one store.
/// </summary>
public sealed class SqliteTwoInstanceConformanceTests : IdempotencyStoreConformanceTests
{
    private readonly TemporaryDatabase _database = new();

    /// <inheritdoc />
    protected override ValueTask<IIdempotencyStore> CreateStoreAsync() =>
        ValueTask.FromResult<IIdempotencyStore>(new AlternatingStore(_database.CreateStore(), _database.CreateStore()));

    /// <inheritdoc />
    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
    }

    /// <summary>Round-robins calls over two stores that share nothing but the file.</summary>
    private sealed class AlternatingStore(SqliteIdempotencyStore first, SqliteIdempotencyStore second) : IIdempotencyStore, IAsyncDisposable
    {
        private int _calls;

        public ValueTask<BeginResult> TryBeginAsync(BeginRequest request, CancellationToken cancellationToken = default) =>
            Next().TryBeginAsync(request, cancellationToken);

        public ValueTask CompleteAsync(CompleteRequest request, CancellationToken cancellationToken = default) =>
            Next().CompleteAsync(request, cancellationToken);

        public ValueTask ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken = default) =>
            Next().ReleaseAsync(key, ownerToken, cancellationToken);

        public ValueTask ExtendLeaseAsync(ExtendLeaseRequest request, CancellationToken cancellationToken = default) =>
            Next().ExtendLeaseAsync(request, cancellationToken);

        public ValueTask<IdempotencyRecord?> GetAsync(string key, CancellationToken cancellationToken = default) =>
            Next().GetAsync(key, cancellationToken);

        public ValueTask<IReadOnlyDictionary<string, IdempotencyRecord>> GetManyAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default) =>
            Next().GetManyAsync(keys, cancellationToken);

        public async ValueTask DisposeAsync()
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
        }

        private SqliteIdempotencyStore Next() => (Interlocked.Increment(ref _calls) & 1) == 0 ? first : second;
    }
}
