using IdempotentConsumer;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Validation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the idempotency executor, its options and a default store.</summary>
public static class IdempotencyServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IdempotencyOptions"/> (validated at host start, every error at once), an
    /// <see cref="IdempotencyExecutor"/> singleton for code that runs functions idempotently, and <see cref="TimeProvider"/>.
    /// It registers no store: add one (e.g. <c>AddDynamoDbIdempotencyStore</c>, or <see cref="AddInMemoryIdempotencyStore"/>
    /// for one process only); resolving the executor without a store fails with <see cref="IdempotencyConfigurationException"/>.
    /// </summary>
    public static IServiceCollection AddIdempotency(this IServiceCollection services, Action<IdempotencyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<IdempotencyOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IdempotencyOptions>, IdempotencyOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new IdempotencyExecutor(
            sp.GetService<IIdempotencyStore>() ?? throw new IdempotencyConfigurationException(
                "No IIdempotencyStore is registered: add one (e.g. AddDynamoDbIdempotencyStore, AddSqliteIdempotencyStore), "
                + "or AddInMemoryIdempotencyStore to keep records in this process only."),
            sp.GetRequiredService<IOptions<IdempotencyOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<IdempotencyExecutor>>()));
        return services;
    }

    /// <summary>As <see cref="AddIdempotency(IServiceCollection, Action{IdempotencyOptions}?)"/>, binding options from a configuration section (e.g. <c>Idempotency</c>).</summary>
    public static IServiceCollection AddIdempotency(this IServiceCollection services, IConfiguration configuration, Action<IdempotencyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<IdempotencyOptions>().Configure(options => IdempotencyOptionsConfigurationExtensions.Bind(options, configuration));
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
