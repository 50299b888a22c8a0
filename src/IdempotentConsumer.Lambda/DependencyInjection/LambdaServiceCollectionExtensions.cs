using IdempotentConsumer;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Lambda.Sqs;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers SQS batch processors for Lambda functions that build a service provider.</summary>
public static class LambdaServiceCollectionExtensions
{
    /// <summary>
    /// Registers an <see cref="SqsBatchProcessor{TMessage}"/> (singleton) built by <paramref name="build"/> when it is first
    /// resolved (at cold start), e.g. <c>b =&gt; b.WithKey(o =&gt; o.OrderId).Handle&lt;ShipOrderHandler&gt;()</c>. Each
    /// processor has its own executor; the store is the builder's (<c>WithStore</c>) or the <see cref="IIdempotencyStore"/>
    /// registered in services, and resolving fails with <see cref="IdempotencyConfigurationException"/> when
    /// there is none. Idempotency options registered with <c>AddIdempotency</c> are the base the builder's changes apply to;
    /// without a key prefix there or in the builder, the prefix is the function's identity, <c>{AWS_LAMBDA_FUNCTION_NAME}.{_HANDLER}</c>.
    /// Handlers given as types (<c>Handle&lt;THandler&gt;()</c>) are resolved from a new scope for each record: register them.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Batch options (named <see cref="OptionsName{TMessage}"/>), applied before the builder's <c>Configure</c>.</param>
    /// <param name="build">Sets the key, store, envelope, … and ends with a <c>Handle</c>.</param>
    public static IServiceCollection AddSqsBatchProcessor<TMessage>(
        this IServiceCollection services,
        Action<SqsBatchProcessorOptions>? configure,
        Action<SqsBatchProcessorBuilder<TMessage>> build)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(build);
        var name = OptionsName<TMessage>();
        var options = services.AddOptions<SqsBatchProcessorOptions>(name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(sp =>
        {
            var builder = new SqsBatchProcessorBuilder<TMessage>(
                sp,
                sp.GetRequiredService<IOptionsMonitor<SqsBatchProcessorOptions>>().Get(name),
                sp.GetService<IOptions<IdempotencyOptions>>()?.Value);
            build(builder);
            return builder.Built ?? throw new IdempotencyConfigurationException(
                $"The SQS batch processor of {typeof(TMessage).Name} has no handler: end the build action with Handle(...).");
        });
        return services;
    }

    /// <summary>The name of the <see cref="SqsBatchProcessorOptions"/> used by the processor of <typeparamref name="TMessage"/>.</summary>
    public static string OptionsName<TMessage>() => typeof(TMessage).FullName ?? typeof(TMessage).Name;
}
