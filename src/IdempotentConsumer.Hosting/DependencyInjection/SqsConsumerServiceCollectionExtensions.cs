using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using IdempotentConsumer.Hosting.DependencyInjection;
using IdempotentConsumer.Hosting.Options;
using IdempotentConsumer.Hosting.Worker;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers SQS consumers as hosted services.</summary>
public static class SqsConsumerServiceCollectionExtensions
{
    private static int _registrations;

    /// <summary>
    /// Registers a hosted consumer of one queue, configured in code: <paramref name="build"/> sets the key, store,
    /// idempotency, retry and middleware with the same verbs as the Lambda batch processor, and ends with a
    /// <c>Handle</c> verb, e.g. <c>b =&gt; b.WithKey(o =&gt; o.OrderId).Handle&lt;ShipOrderHandler&gt;()</c>.
    /// The SQS client is the <c>IAmazonSQS</c> in DI unless the builder says otherwise; the store is the builder's
    /// (<c>WithStore</c>) or the <see cref="IIdempotencyStore"/> in DI, and the host fails to start when there is none
    /// (<c>WithInMemoryStore()</c> and <c>WithoutIdempotency()</c> are the explicit alternatives).
    /// </summary>
    public static IServiceCollection AddSqsConsumer<TMessage>(this IServiceCollection services, Action<SqsConsumerOptions> configure, Action<SqsConsumerBuilder<TMessage>> build)
    {
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentNullException.ThrowIfNull(build);
        build(services.AddSqsConsumerCore<TMessage>(null, configure, typeof(TMessage).FullName));
        return services;
    }

    /// <summary>
    /// As <see cref="AddSqsConsumer{TMessage}(IServiceCollection, Action{SqsConsumerOptions}, Action{SqsConsumerBuilder{TMessage}})"/>,
    /// binding the options from a configuration section (e.g. <c>configuration.GetSection("Consumers:Orders")</c>, whose
    /// key <c>Orders</c> becomes the consumer's default name).
    /// </summary>
    public static IServiceCollection AddSqsConsumer<TMessage>(this IServiceCollection services, IConfiguration configuration, Action<SqsConsumerBuilder<TMessage>> build)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(build);
        build(services.AddSqsConsumerCore<TMessage>(configuration, null, typeof(TMessage).FullName));
        return services;
    }

    /// <summary>
    /// Registers a hosted consumer whose handler is a <typeparamref name="THandler"/> resolved in a DI scope per message:
    /// shorthand for <c>AddSqsConsumer&lt;TMessage&gt;(configure, b =&gt; b.Handle&lt;THandler&gt;())</c> that returns the
    /// builder for the other verbs.
    /// </summary>
    public static SqsConsumerBuilder<TMessage> AddSqsConsumer<TMessage, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this IServiceCollection services, Action<SqsConsumerOptions> configure)
        where THandler : class, IMessageHandler<TMessage>
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddSqsConsumerCore<TMessage>(null, configure, typeof(THandler).FullName).Handle<THandler>();
    }

    /// <summary>As <see cref="AddSqsConsumer{TMessage, THandler}(IServiceCollection, Action{SqsConsumerOptions})"/>, binding the options from a configuration section, then applying <paramref name="configure"/>.</summary>
    public static SqsConsumerBuilder<TMessage> AddSqsConsumer<TMessage, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this IServiceCollection services, IConfiguration configuration, Action<SqsConsumerOptions>? configure = null)
        where THandler : class, IMessageHandler<TMessage>
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddSqsConsumerCore<TMessage>(configuration, configure, typeof(THandler).FullName).Handle<THandler>();
    }

    private static SqsConsumerBuilder<TMessage> AddSqsConsumerCore<TMessage>(this IServiceCollection services, IConfiguration? configuration, Action<SqsConsumerOptions>? configure, string? label)
    {
        ArgumentNullException.ThrowIfNull(services);
        var optionsName = string.Create(CultureInfo.InvariantCulture, $"{label}#{Interlocked.Increment(ref _registrations)}");
        var builder = new SqsConsumerBuilder<TMessage>(services, optionsName);
        var registration = new SqsConsumerRegistration<TMessage>(optionsName, (configuration as IConfigurationSection)?.Key, builder);

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
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IHostedService>(sp => new SqsConsumerService<TMessage>(registration.CreateConsumer(sp)));
        return builder;
    }
}
