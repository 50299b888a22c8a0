using Amazon.DynamoDBv2;
using CsCheck;
using IdempotentConsumer.PostgreSql;
using IdempotentConsumer.Redis;
using IdempotentConsumer.Reliability.Tests.Support;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Reliability.Tests.Properties;

/// <summary>
/// The same state-machine properties and executor model on the durable stores. One store per test class;
/// every interleaving uses keys of its own. Fewer iterations than in memory: each step is a round trip.
/// </summary>
public abstract class DurableStoreProperties(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Interleavings per run.</summary>
    protected abstract int Interleavings { get; }

    /// <summary>Concurrent executor runs per test.</summary>
    protected abstract int ExecutorRuns { get; }

    /// <summary>The store under test.</summary>
    protected IIdempotencyStore Store { get; private set; } = null!;

    /// <summary>Creates the store.</summary>
    protected abstract Task<IIdempotencyStore> CreateStoreAsync();

    /// <inheritdoc />
    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    /// <inheritdoc />
    public abstract Task DisposeAsync();

    [Fact]
    public async Task Given_random_interleavings_of_begin_complete_release_extend_and_expiry_across_owners_Then_the_store_follows_the_model()
    {
        var coverage = new StoreStateMachineCoverage();

        await StoreStateMachine.Interleavings.SampleAsync(steps => StoreStateMachine.RunAsync(Store, steps, coverage), iter: Interleavings, print: StoreStateMachine.Print);

        output.WriteLine(coverage.ToString());
        Assert.True(coverage.Takeovers > 0 && coverage.StaleRejections > 0 && coverage.Completes > 0, coverage.ToString());
    }

    [Fact]
    public async Task Given_random_concurrent_duplicates_some_failing_some_outliving_their_lease_Then_the_executor_on_this_store_follows_the_model()
    {
        await ExecutorModel.Calls.SampleAsync(calls => ExecutorModel.RunAsync(Store, calls), iter: ExecutorRuns, print: ExecutorModel.Print);
    }
}

/// <summary>On SQLite (a database file).</summary>
public sealed class SqliteStoreProperties(ITestOutputHelper output) : DurableStoreProperties(output)
{
    private SqliteTestDatabase? _database;

    /// <inheritdoc />
    protected override int Interleavings => 300;

    /// <inheritdoc />
    protected override int ExecutorRuns => 100;

    /// <inheritdoc />
    protected override Task<IIdempotencyStore> CreateStoreAsync()
    {
        _database = ReliabilityStores.Sqlite();
        return Task.FromResult<IIdempotencyStore>(_database.Store);
    }

    /// <inheritdoc />
    public override async Task DisposeAsync() => await _database!.DisposeAsync();
}

/// <summary>On the DynamoDB store against DynamoDB Local (ALL_OLD on a failed condition).</summary>
[Collection(EmulatorCollections.DynamoDbLocal)]
public sealed class DynamoDbLocalStoreProperties(DynamoDbLocalFixture fixture, ITestOutputHelper output) : DurableStoreProperties(output)
{
    private IAmazonDynamoDB? _client;

    /// <inheritdoc />
    protected override int Interleavings => 100;

    /// <inheritdoc />
    protected override int ExecutorRuns => 60;

    /// <inheritdoc />
    protected override async Task<IIdempotencyStore> CreateStoreAsync()
    {
        (var store, _client) = await ReliabilityStores.DynamoDbAsync(fixture);
        return store;
    }

    /// <inheritdoc />
    public override Task DisposeAsync()
    {
        _client?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>On the DynamoDB store against dynalite (no ALL_OLD: every lost begin takes the consistent-read fallback).</summary>
[Collection(EmulatorCollections.Dynalite)]
public sealed class DynaliteStoreProperties(DynaliteFixture fixture, ITestOutputHelper output) : DurableStoreProperties(output)
{
    private IAmazonDynamoDB? _client;

    /// <inheritdoc />
    protected override int Interleavings => 80;

    /// <inheritdoc />
    protected override int ExecutorRuns => 30;

    /// <inheritdoc />
    protected override async Task<IIdempotencyStore> CreateStoreAsync()
    {
        (var store, _client) = await ReliabilityStores.DynamoDbAsync(fixture);
        return store;
    }

    /// <inheritdoc />
    public override Task DisposeAsync()
    {
        _client?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>On the Redis store against a real redis-server (every write one Lua script on one key).</summary>
[Collection(EmulatorCollections.Redis)]
public sealed class RedisStoreProperties(RedisServerFixture fixture, ITestOutputHelper output) : DurableStoreProperties(output)
{
    private RedisIdempotencyStore? _store;

    /// <inheritdoc />
    protected override int Interleavings => 300;

    /// <inheritdoc />
    protected override int ExecutorRuns => 100;

    /// <inheritdoc />
    protected override Task<IIdempotencyStore> CreateStoreAsync()
    {
        // The models run on fake clocks that race ahead of the wall clock; a wide TTL margin keeps Redis from removing a
        // record by its own clock while the model still holds it, so the properties test the scripts, not Redis' TTL.
        _store = new RedisIdempotencyStore(new RedisIdempotencyStoreOptions
        {
            ConnectionString = fixture.ConnectionString,
            KeyPrefix = "reliability:",
            ExpiryMargin = TimeSpan.FromMinutes(10),
        });
        return Task.FromResult<IIdempotencyStore>(_store);
    }

    /// <inheritdoc />
    public override async Task DisposeAsync() => await _store!.DisposeAsync();
}

/// <summary>On the PostgreSQL store against a real PostgreSQL 15 (every write one conditional statement).</summary>
[Collection(EmulatorCollections.PostgreSql)]
public sealed class PostgreSqlStoreProperties(PostgreSqlServerFixture fixture, ITestOutputHelper output) : DurableStoreProperties(output)
{
    private PostgreSqlIdempotencyStore? _store;

    /// <inheritdoc />
    protected override int Interleavings => 300;

    /// <inheritdoc />
    protected override int ExecutorRuns => 100;

    /// <inheritdoc />
    protected override Task<IIdempotencyStore> CreateStoreAsync()
    {
        _store = PostgreSqlReliabilityStore.Create(fixture.ConnectionString);
        return Task.FromResult<IIdempotencyStore>(_store);
    }

    /// <inheritdoc />
    public override async Task DisposeAsync() => await _store!.DisposeAsync();
}
