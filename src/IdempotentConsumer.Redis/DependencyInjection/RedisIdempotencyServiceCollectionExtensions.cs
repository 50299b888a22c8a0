using IdempotentConsumer.Redis;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="RedisIdempotencyStore"/> as the application's <see cref="IIdempotencyStore"/>.</summary>
public static class RedisIdempotencyServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Redis store as the singleton <see cref="IIdempotencyStore"/> (replacing any other store
    /// registration). It connects with <see cref="RedisIdempotencyStoreOptions.ConnectionString"/> when set, otherwise
    /// it uses the <see cref="IConnectionMultiplexer"/> from the container.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddRedisIdempotencyStore(this IServiceCollection services, Action<RedisIdempotencyStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<RedisIdempotencyStoreOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return services.AddStore();
    }

    /// <summary>Registers the Redis store on its own connection to <paramref name="connectionString"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="connectionString">A StackExchange.Redis configuration string, e.g. <c>localhost:6379</c>.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddRedisIdempotencyStore(this IServiceCollection services, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return services.AddRedisIdempotencyStore(options => options.ConnectionString = connectionString);
    }

    /// <summary>
    /// Registers the Redis store with options bound from <paramref name="configuration"/> (pass the section itself,
    /// conventionally <see cref="RedisIdempotencyStoreOptions.SectionName"/>), then <paramref name="configure"/> applied on top.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The store's configuration section.</param>
    /// <param name="configure">Optional code settings applied after binding.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddRedisIdempotencyStore(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<RedisIdempotencyStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<RedisIdempotencyStoreOptions>().Bind(configuration);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return services.AddStore();
    }

    private static IServiceCollection AddStore(this IServiceCollection services)
    {
        services.AddOptions<RedisIdempotencyStoreOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisIdempotencyStoreOptions>, RedisIdempotencyStoreOptionsValidator>());
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<RedisIdempotencyStoreOptions>>();
            // The container's multiplexer is resolved only when it is used, so a store with its own connection string
            // never opens the application's connection as a side effect.
            var connection = string.IsNullOrWhiteSpace(options.Value.ConnectionString) ? provider.GetService<IConnectionMultiplexer>() : null;
            return new RedisIdempotencyStore(options, connection, provider.GetService<ILogger<RedisIdempotencyStore>>());
        });
        // One store per application: whatever store was registered before gives way to this one.
        services.RemoveAll<IIdempotencyStore>();
        services.AddSingleton<IIdempotencyStore>(provider => provider.GetRequiredService<RedisIdempotencyStore>());
        return services;
    }
}
