using System.Diagnostics;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using IdempotentConsumer.TestInfrastructure.Processes;
using Xunit;
using static IdempotentConsumer.Redis.Tests.Support.TestTimes;

namespace IdempotentConsumer.Redis.Tests.Behaviour;

/// <summary>
/// A Redis server that dies mid-run makes every call a transient persistence error, never a hang or a wrong answer;
/// once a server listens on the same port again, the store's connection recovers by itself.
/// </summary>
public sealed class RedisOutageTests : IAsyncLifetime
{
    private static readonly TimeSpan RecoveryDeadline = TimeSpan.FromSeconds(30);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"ic-redis-outage-{Guid.NewGuid():N}");
    private EmulatorProcess? _server;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _server = await RedisServerFixture.StartServerAsync(_directory);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Given_the_server_killed_mid_run_When_the_store_is_called_Then_it_fails_transiently_and_recovers_on_a_new_server_on_the_same_port()
    {
        var port = _server!.Port;
        await using var store = new RedisIdempotencyStore(new RedisIdempotencyStoreOptions
        {
            ConnectionString = $"127.0.0.1:{port},connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000,connectRetry=1",
        });
        var key = NewKey();
        var owner = NewOwner();
        Assert.True((await store.TryBeginAsync(Begin(key, owner, Now(), TimeSpan.FromHours(1), TimeSpan.FromMinutes(5)))).Acquired);

        await _server.DisposeAsync(); // SIGKILL: a crash, not a shutdown
        var duringOutage = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<IdempotencyPersistenceException>(async () =>
            await store.CompleteAsync(new CompleteRequest(key, owner, Now() + TimeSpan.FromHours(1), "\"done\"", null)));
        Assert.True(error.IsTransient);
        Assert.True(duringOutage.Elapsed < TimeSpan.FromSeconds(15), $"the failure took {duringOutage.Elapsed}, expected the configured timeouts to bound it");
        await Assert.ThrowsAsync<IdempotencyPersistenceException>(async () => await store.GetAsync(key));

        _server = await RedisServerFixture.StartServerAsync(_directory, port);

        // Persistence is off, so the record died with the server: the first attempt after recovery begins afresh.
        var recovered = await RetryUntilRecoveredAsync(() => store.TryBeginAsync(Begin(key, NewOwner(), Now(), TimeSpan.FromHours(1), TimeSpan.FromMinutes(5))).AsTask());
        Assert.True(recovered.Acquired);
        await Assert.ThrowsAsync<IdempotencyStaleOwnerException>(async () =>
            await store.CompleteAsync(new CompleteRequest(key, owner, Now() + TimeSpan.FromHours(1), "\"done\"", null)));
    }

    private static async Task<T> RetryUntilRecoveredAsync<T>(Func<Task<T>> operation)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await operation();
            }
            catch (IdempotencyPersistenceException) when (deadline.Elapsed < RecoveryDeadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        }
    }
}
