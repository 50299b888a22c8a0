using System.Diagnostics.CodeAnalysis;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Lambda.Handlers;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IdempotentConsumer.Lambda.DependencyInjection;

/// <summary>Registers SQS batch processors for Lambda functions that build a service provider.</summary>
public static class LambdaServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SqsBatchProcessor{TMessage}"/> (singleton) around <typeparamref name="THandler"/>, resolved in a
    /// new scope for each record, plus the core idempotency services (<c>AddIdempotency</c>; configure the key prefix,
    /// key and store there). Batch options are named after <typeparamref name="TMessage"/>. Without a
    /// <see cref="IdempotencyOptions.KeyPrefix"/>, the prefix is the function's identity, <c>{AWS_LAMBDA_FUNCTION_NAME}.{_HANDLER}</c>;
    /// resolving the processor fails with <see cref="Exceptions.IdempotencyConfigurationException"/> when neither is set.
    /// </summary>
    public static IServiceCollection AddLambdaSqsBatchProcessor<TMessage, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this IServiceCollection services, Action<SqsBatchProcessorOptions>? configure = null)
        where THandler : class, IMessageHandler<TMessage>
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddScoped<THandler>();
        return services.AddProcessor<TMessage>(configure, builder => builder.BuildWithHandlerFromServices<THandler>());
    }

    /// <summary>As <see cref="AddLambdaSqsBatchProcessor{TMessage, THandler}"/>, with the handler as a delegate.</summary>
    public static IServiceCollection AddLambdaSqsBatchProcessor<TMessage>(
        this IServiceCollection services,
        Func<TMessage, MessageContext<TMessage>, CancellationToken, ValueTask> handler,
        Action<SqsBatchProcessorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(handler);
        return services.AddProcessor<TMessage>(configure, builder => builder.Build(handler));
    }

    /// <summary>The name of the <see cref="SqsBatchProcessorOptions"/> used by the processor of <typeparamref name="TMessage"/>.</summary>
    public static string OptionsName<TMessage>() => typeof(TMessage).FullName ?? typeof(TMessage).Name;

    private static IServiceCollection AddProcessor<TMessage>(
        this IServiceCollection services,
        Action<SqsBatchProcessorOptions>? configure,
        Func<MessagePipelineBuilder<TMessage>, MessagePipeline<TMessage>> build)
    {
        services.AddIdempotency();

        // Resolved when the options are first read (building the processor), after every Configure.
        services.PostConfigure<IdempotencyOptions>(o => o.KeyPrefix = LambdaKeyPrefix.Resolve(o.KeyPrefix));
        var name = OptionsName<TMessage>();
        var options = services.AddOptions<SqsBatchProcessorOptions>(name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(sp =>
        {
            var batchOptions = sp.GetRequiredService<IOptionsMonitor<SqsBatchProcessorOptions>>().Get(name);
            var executor = sp.GetRequiredService<IdempotencyExecutor>();
            var loggerFactory = sp.GetService<ILoggerFactory>();
            var timeProvider = sp.GetService<TimeProvider>() ?? TimeProvider.System;
            var middleware = sp.GetServices<IMessageMiddleware<TMessage>>();
            var pipeline = build(SqsPipeline.Create(executor, batchOptions, null, loggerFactory, timeProvider, middleware));
            return new SqsBatchProcessor<TMessage>(pipeline, batchOptions, sp.GetRequiredService<IServiceScopeFactory>(), loggerFactory, timeProvider);
        });
        return services;
    }
}
