using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using IdempotentConsumer.Hosting.Options;
using IdempotentConsumer.Hosting.Worker;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace IdempotentConsumer.Hosting.DependencyInjection;

/// <summary>Registers SQS consumers as hosted services.</summary>
public static class SqsConsumerServiceCollectionExtensions
{
    private static int _registrations;

    /// <summary>
    /// Registers a hosted consumer of one queue: each message is deserialized to <typeparamref name="TMessage"/> and
    /// handled once per idempotency key by a <typeparamref name="THandler"/> resolved in a DI scope of its own.
    /// The SQS client is the <c>IAmazonSQS</c> in DI (e.g. <c>AddAWSService&lt;IAmazonSQS&gt;()</c>); the store is the
    /// <see cref="IIdempotencyStore"/> in DI, the in-memory one when none is registered.
    /// </summary>
    /// <returns>A builder for idempotency, retry and concurrency settings.</returns>
    public static SqsConsumerBuilder<TMessage> AddSqsConsumer<TMessage, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this IServiceCollection services, Action<SqsConsumerOptions> configure)
        where THandler : class, IMessageHandler<TMessage>
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddSqsConsumerCore<TMessage, THandler>(null, configure);
    }

    /// <summary>
    /// As <see cref="AddSqsConsumer{TMessage, THandler}(IServiceCollection, Action{SqsConsumerOptions})"/>, binding the
    /// options from a configuration section (e.g. <c>configuration.GetSection("Consumers:Orders")</c>, whose key
    /// <c>Orders</c> becomes the consumer's default name), then applying <paramref name="configure"/>.
    /// </summary>
    public static SqsConsumerBuilder<TMessage> AddSqsConsumer<TMessage, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this IServiceCollection services, IConfiguration configuration, Action<SqsConsumerOptions>? configure = null)
        where THandler : class, IMessageHandler<TMessage>
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddSqsConsumerCore<TMessage, THandler>(configuration, configure);
    }

    private static SqsConsumerBuilder<TMessage> AddSqsConsumerCore<TMessage, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this IServiceCollection services, IConfiguration? configuration, Action<SqsConsumerOptions>? configure)
        where THandler : class, IMessageHandler<TMessage>
    {
        ArgumentNullException.ThrowIfNull(services);
        var optionsName = string.Create(
            CultureInfo.InvariantCulture,
            $"{typeof(THandler).FullName}#{Interlocked.Increment(ref _registrations)}");
        var registration = new SqsConsumerRegistration<TMessage>(
            optionsName,
            (configuration as IConfigurationSection)?.Key,
            static builder => builder.BuildWithHandlerFromServices<THandler>());

        var options = services.AddOptions<SqsConsumerOptions>(optionsName);
        if (configuration is not null)
        {
            options.Configure(o => SqsConsumerOptionsBinder.Bind(configuration, o));
            services.AddSingleton<IOptionsChangeTokenSource<SqsConsumerOptions>>(new ConfigurationChangeTokenSource<SqsConsumerOptions>(optionsName, configuration));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqsConsumerOptions>, SqsConsumerOptionsValidator>());
        services.TryAddSingleton<SqsConsumerKeyPrefixes>();
        services.TryAddScoped<THandler>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IIdempotencyStore, InMemoryIdempotencyStore>();
        services.AddSingleton<IHostedService>(sp => new SqsConsumerService<TMessage>(registration.CreateConsumer(sp)));
        return new SqsConsumerBuilder<TMessage>(services, registration);
    }
}
