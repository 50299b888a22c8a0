using Amazon.DynamoDBv2;
using IdempotentConsumer.DynamoDB;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="DynamoDbIdempotencyStore"/> as the application's <see cref="IIdempotencyStore"/>.</summary>
public static class DynamoDbIdempotencyServiceCollectionExtensions
{
    /// <summary>
    /// Registers the DynamoDB store as the singleton <see cref="IIdempotencyStore"/> (replacing any other
    /// store registration). The client is <see cref="IAmazonDynamoDB"/> from the container, e.g. from
    /// <c>services.AddAWSService&lt;IAmazonDynamoDB&gt;()</c>.
    /// </summary>
    public static IServiceCollection AddDynamoDbIdempotencyStore(this IServiceCollection services, Action<DynamoDbIdempotencyStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<DynamoDbIdempotencyStoreOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return services.AddStore();
    }

    /// <summary>
    /// Registers the DynamoDB store with options bound from <paramref name="configuration"/> (pass the
    /// section itself, conventionally <see cref="DynamoDbIdempotencyStoreOptions.SectionName"/>), then
    /// <paramref name="configure"/> applied on top.
    /// </summary>
    public static IServiceCollection AddDynamoDbIdempotencyStore(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<DynamoDbIdempotencyStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<DynamoDbIdempotencyStoreOptions>().Bind(configuration);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return services.AddStore();
    }

    private static IServiceCollection AddStore(this IServiceCollection services)
    {
        services.AddOptions<DynamoDbIdempotencyStoreOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DynamoDbIdempotencyStoreOptions>, DynamoDbIdempotencyStoreOptionsValidator>());
        services.TryAddSingleton(provider => new DynamoDbIdempotencyStore(
            provider.GetService<IAmazonDynamoDB>() ?? throw new IdempotencyConfigurationException(
                "The DynamoDB idempotency store needs an IAmazonDynamoDB in the container: register one first, "
                + "e.g. services.AddAWSService<IAmazonDynamoDB>() (AWSSDK.Extensions.NETCore.Setup) or services.AddSingleton<IAmazonDynamoDB>(...)."),
            provider.GetRequiredService<IOptions<DynamoDbIdempotencyStoreOptions>>(),
            provider.GetService<TimeProvider>()));
        // One store per application: whatever store was registered before gives way to this one.
        services.RemoveAll<IIdempotencyStore>();
        services.AddSingleton<IIdempotencyStore>(provider => provider.GetRequiredService<DynamoDbIdempotencyStore>());
        return services;
    }
}
