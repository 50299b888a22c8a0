using IdempotentConsumer.Dispositions;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Consumers;

/// <summary>
/// Turns a <see cref="ConsumerDefinition{TMessage}"/> into the pipeline an adapter runs: the one place where a consumer's
/// steps are put in order, so the Lambda batch processor and the hosted worker can never disagree about it.
/// </summary>
public static class ConsumerPipelineFactory
{
    private static readonly IdempotencyOptions DefaultOptions = new();

    /// <summary>Builds the consumer's pipeline with its own executor.</summary>
    /// <param name="definition">What the builder was told; it must have a handler.</param>
    /// <param name="services">Services for the store and middleware factories, the clock and logging.</param>
    /// <param name="settings">The adapter's base options and its own steps.</param>
    /// <exception cref="IdempotencyConfigurationException">No handler, or idempotency is on and no store is configured or registered.</exception>
    public static ConsumerPipeline<TMessage> Create<TMessage>(ConsumerDefinition<TMessage> definition, IServiceProvider services, ConsumerPipelineSettings<TMessage> settings)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        var handler = definition.Handler ?? throw new IdempotencyConfigurationException("The consumer has no handler.");
        var timeProvider = definition.TimeProvider ?? services.GetService<TimeProvider>() ?? TimeProvider.System;
        var loggerFactory = definition.LoggerFactory ?? settings.LoggerFactory ?? services.GetService<ILoggerFactory>();

        var idempotency = (settings.Idempotency ?? new IdempotencyOptions()).Clone();
        // The consumer's name applies only where configuration left the prefix at its default.
        if (settings.DefaultKeyPrefix is { } prefix && (string.IsNullOrWhiteSpace(idempotency.KeyPrefix) || idempotency.KeyPrefix == DefaultOptions.KeyPrefix))
        {
            idempotency.KeyPrefix = prefix;
        }

        foreach (var configure in definition.ConfigureIdempotency)
        {
            configure(idempotency);
        }

        if (definition.KeySource is { } keySource)
        {
            idempotency.KeySource = keySource;
        }

        var retry = (settings.Retry ?? new MessageRetryOptions()).Clone();
        foreach (var configure in definition.ConfigureRetry)
        {
            configure(retry);
        }

        var redelivery = (settings.Redelivery ?? new RedeliveryOptions()).Clone();
        foreach (var configure in definition.ConfigureRedelivery)
        {
            configure(redelivery);
        }

        var builder = new MessagePipelineBuilder<TMessage>()
            .WithTimeProvider(timeProvider)
            .WithRedelivery(redelivery)
            .WithSerializerOptions(definition.SerializerOptions ?? idempotency.SerializerOptions);
        if (definition.TypeInfo is not null)
        {
            builder.WithTypeInfo(definition.TypeInfo);
        }

        if (loggerFactory is not null)
        {
            builder.WithLoggerFactory(loggerFactory);
        }

        IdempotencyExecutor? executor = null;
        if (definition.UseIdempotency ?? settings.UseIdempotency)
        {
            var store = definition.StoreFactory?.Invoke(services)
                ?? services.GetService<IIdempotencyStore>()
                ?? throw new IdempotencyConfigurationException(
                    "No idempotency store: call WithStore(...) on the consumer's builder or register an IIdempotencyStore (e.g. AddDynamoDbIdempotencyStore). "
                    + "WithInMemoryStore() keeps records in this process only; WithoutIdempotency() runs every delivery.");
            settings.ValidateOptions?.Invoke(idempotency);
            executor = new IdempotencyExecutor(store, idempotency, timeProvider, loggerFactory?.CreateLogger<IdempotencyExecutor>());
        }

        var keyFromMessage = definition.KeyFromMessage ?? settings.DefaultKeyFromMessage?.Invoke(idempotency);
        Func<MessageContext<TMessage>, string?>? keyFromContext = keyFromMessage is null ? null : context => keyFromMessage(context.Incoming);
        foreach (var step in settings.OuterSteps?.Invoke(executor, keyFromContext) ?? [])
        {
            builder.Use(step);
        }

        if (executor is not null)
        {
            if (settings.IdempotencyStep is { } idempotencyStep)
            {
                builder.Use(idempotencyStep(executor, keyFromContext));
            }
            else
            {
                builder.UseIdempotency(executor, keyFromContext);
            }
        }

        if (retry.MaxRetryAttempts > 0)
        {
            builder.UseRetry(retry);
        }

        foreach (var middleware in definition.Middleware)
        {
            builder.Use(middleware(services));
        }

        var pipeline = builder.Build(handler.Terminal);
        return new ConsumerPipeline<TMessage>(pipeline, executor, idempotency, retry)
        {
            Precheck = executor is null || executor.IsDisabled || idempotency.BatchPrecheck == Batching.BatchPrecheckMode.Never
                ? null
                : new Batching.BatchPrecheck<TMessage>(executor, pipeline.Deserializer, keyFromMessage, loggerFactory?.CreateLogger<Batching.BatchPrecheck<TMessage>>()),
        };
    }
}
