using IdempotentConsumer.Execution;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IdempotentConsumer.DependencyInjection;

/// <summary>Registers the idempotency executor, its options and a default store.</summary>
public static class IdempotencyServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IdempotencyOptions"/>, <see cref="IdempotencyExecutor"/> (singleton), <see cref="TimeProvider"/>
    /// and, unless a store is registered (before or after), the in-memory store.
    /// </summary>
    public static IServiceCollection AddIdempotency(this IServiceCollection services, Action<IdempotencyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<IdempotencyOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IIdempotencyStore, InMemoryIdempotencyStore>();
        services.TryAddSingleton(sp => new IdempotencyExecutor(
            sp.GetRequiredService<IIdempotencyStore>(),
            sp.GetRequiredService<IOptions<IdempotencyOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<IdempotencyExecutor>>()));
        return services;
    }

    /// <summary>As <see cref="AddIdempotency(IServiceCollection, Action{IdempotencyOptions}?)"/>, binding options from a configuration section (e.g. <c>Idempotency</c>).</summary>
    public static IServiceCollection AddIdempotency(this IServiceCollection services, IConfiguration configuration, Action<IdempotencyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<IdempotencyOptions>().Configure(options => options.Bind(configuration));
        services.AddSingleton<IOptionsChangeTokenSource<IdempotencyOptions>>(new ConfigurationChangeTokenSource<IdempotencyOptions>(configuration));
        return services.AddIdempotency(configure);
    }

    /// <summary>Registers the in-memory store as <see cref="IIdempotencyStore"/>, replacing any other.</summary>
    public static IServiceCollection AddInMemoryIdempotencyStore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.Replace(ServiceDescriptor.Singleton<IIdempotencyStore, InMemoryIdempotencyStore>());
        return services;
    }
}
