using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Redis.Tests.Support;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit;
using static IdempotentConsumer.Redis.Tests.Support.TestTimes;

namespace IdempotentConsumer.Redis.Tests.Behaviour;

/// <summary>Registration through the service collection.</summary>
[Collection(EmulatorCollections.Redis)]
public sealed class DependencyInjectionTests(RedisServerFixture redis)
{
    [Fact]
    public async Task Given_a_bound_configuration_section_When_the_store_is_added_Then_it_connects_with_the_bound_settings()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Idempotency:Redis:ConnectionString"] = redis.ConnectionString,
                ["Idempotency:Redis:KeyPrefix"] = "orders:",
                ["Idempotency:Redis:Database"] = "2",
            })
            .Build();
        var services = new ServiceCollection().AddRedisIdempotencyStore(configuration.GetSection(RedisIdempotencyStoreOptions.SectionName));
        await using var provider = services.BuildServiceProvider();

        var store = Assert.IsType<RedisIdempotencyStore>(provider.GetRequiredService<IIdempotencyStore>());
        var key = NewKey();
        Assert.True((await store.TryBeginAsync(Begin(key, NewOwner(), Now(), TimeSpan.FromHours(1), TimeSpan.FromMinutes(5)))).Acquired);

        var connection = await RedisConnections.SharedAsync(redis.ConnectionString);
        Assert.True(await connection.GetDatabase(2).KeyExistsAsync("orders:" + key));
        Assert.Same(store, provider.GetRequiredService<RedisIdempotencyStore>());
    }

    [Fact]
    public async Task Given_a_multiplexer_in_the_container_and_no_connection_string_When_the_store_is_added_Then_it_uses_that_multiplexer()
    {
        var connection = await RedisConnections.SharedAsync(redis.ConnectionString);
        var services = new ServiceCollection()
            .AddSingleton<IConnectionMultiplexer>(connection)
            .AddRedisIdempotencyStore();
        await using (var provider = services.BuildServiceProvider())
        {
            var store = provider.GetRequiredService<IIdempotencyStore>();
            var key = NewKey();
            Assert.True((await store.TryBeginAsync(Begin(key, NewOwner(), Now(), TimeSpan.FromHours(1), TimeSpan.FromMinutes(5)))).Acquired);
            Assert.True(await connection.GetDatabase().KeyExistsAsync("idempotency:" + key));
        }

        // Disposing the container disposed the store, which must leave the application's multiplexer open.
        Assert.True(connection.IsConnected);
    }

    [Fact]
    public void Given_neither_a_connection_string_nor_a_multiplexer_When_the_store_is_resolved_Then_a_configuration_error_says_what_to_register()
    {
        using var provider = new ServiceCollection().AddRedisIdempotencyStore().BuildServiceProvider();

        var error = Assert.Throws<IdempotencyConfigurationException>(() => provider.GetRequiredService<IIdempotencyStore>());

        Assert.Contains("IConnectionMultiplexer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_an_in_memory_store_registered_first_When_the_redis_store_is_added_Then_it_replaces_it()
    {
        var services = new ServiceCollection()
            .AddSingleton<IIdempotencyStore, InMemoryIdempotencyStore>()
            .AddRedisIdempotencyStore(redis.ConnectionString);
        using var provider = services.BuildServiceProvider();

        Assert.IsType<RedisIdempotencyStore>(provider.GetRequiredService<IIdempotencyStore>());
        Assert.Single(services, descriptor => descriptor.ServiceType == typeof(IIdempotencyStore));
    }
}
