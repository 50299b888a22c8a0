using Amazon.SQS;
using IdempotentConsumer.Sqs.Producer.Options;
using IdempotentConsumer.Sqs.Producer.Sending;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="IdempotentSqsSender{TMessage}"/>s.</summary>
public static class SqsSenderServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="IdempotentSqsSender{TMessage}"/> over the <see cref="IAmazonSQS"/> in DI. Give it the
    /// consuming consumer's key settings (<see cref="SqsSenderOptions.KeyPrefix"/>, <see cref="SqsSenderOptions.KeySource"/> or
    /// <see cref="SqsSenderOptions.KeyJmesPath"/>, <see cref="SqsSenderOptions.HashAlgorithm"/>). The options are checked
    /// at host start.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <param name="messageGroupId">The FIFO group of a message; required for a FIFO queue.</param>
    public static IServiceCollection AddIdempotentSqsSender<TMessage>(this IServiceCollection services, Action<SqsSenderOptions> configure, Func<TMessage, string?>? messageGroupId = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddIdempotentSqsSenderCore(null, configure, messageGroupId);
    }

    /// <summary>
    /// As <see cref="AddIdempotentSqsSender{TMessage}(IServiceCollection, Action{SqsSenderOptions}, Func{TMessage, string?}?)"/>,
    /// binding the options from a configuration section, then applying <paramref name="configure"/> (for the code-only members).
    /// </summary>
    public static IServiceCollection AddIdempotentSqsSender<TMessage>(this IServiceCollection services, IConfiguration configuration, Func<TMessage, string?>? messageGroupId = null, Action<SqsSenderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddIdempotentSqsSenderCore(configuration, configure, messageGroupId);
    }

    private static IServiceCollection AddIdempotentSqsSenderCore<TMessage>(this IServiceCollection services, IConfiguration? configuration, Action<SqsSenderOptions>? configure, Func<TMessage, string?>? messageGroupId)
    {
        ArgumentNullException.ThrowIfNull(services);
        var name = typeof(TMessage).FullName ?? typeof(TMessage).Name;
        var options = services.AddOptions<SqsSenderOptions>(name);
        if (configuration is not null)
        {
            options.Configure(o => SqsSenderOptionsBinder.Bind(configuration, o));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqsSenderOptions>, SqsSenderOptionsValidator>());
        services.TryAddSingleton(sp => new IdempotentSqsSender<TMessage>(
            sp.GetRequiredService<IAmazonSQS>(),
            sp.GetRequiredService<IOptionsMonitor<SqsSenderOptions>>().Get(name),
            messageGroupId,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<IdempotentSqsSender<TMessage>>>()));
        return services;
    }
}
