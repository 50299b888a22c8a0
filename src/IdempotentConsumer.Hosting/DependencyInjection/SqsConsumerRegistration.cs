using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Amazon.SQS;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Hosting.Options;
using IdempotentConsumer.Hosting.Worker;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace IdempotentConsumer.Hosting.DependencyInjection;

/// <summary>The code-only settings of one registered consumer (what configuration cannot hold), and how to build it.</summary>
internal sealed class SqsConsumerRegistration<TMessage>
{
    public SqsConsumerRegistration(string optionsName, string? sectionName, Func<MessagePipelineBuilder<TMessage>, MessagePipeline<TMessage>> build)
    {
        OptionsName = optionsName;
        SectionName = sectionName;
        Build = build;
    }

    /// <summary>The named-options name: unique per registration.</summary>
    public string OptionsName { get; }

    /// <summary>The key of the configuration section it was bound from, if any: the default consumer name.</summary>
    public string? SectionName { get; }

    /// <summary>Closes the pipeline with the handler.</summary>
    public Func<MessagePipelineBuilder<TMessage>, MessagePipeline<TMessage>> Build { get; }

    public Func<IServiceProvider, IAmazonSQS>? SqsClientFactory { get; set; }

    public Func<IServiceProvider, IIdempotencyStore>? StoreFactory { get; set; }

    /// <summary>Key material taken from the delivery instead of the body (the FIFO deduplication id); null: the key source.</summary>
    public Func<IncomingMessage, string?>? KeyFromIncoming { get; set; }

    public JsonSerializerOptions? SerializerOptions { get; set; }

    public JsonTypeInfo<TMessage>? TypeInfo { get; set; }

    public List<Func<IServiceProvider, IMessageMiddleware<TMessage>>> Middleware { get; } = [];

    /// <summary>The consumer's name: configured, else the section's key, else the queue's name.</summary>
    public string ResolveName(SqsConsumerOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.Name))
        {
            return options.Name;
        }

        if (!string.IsNullOrWhiteSpace(SectionName))
        {
            return SectionName;
        }

        var url = options.QueueUrl.TrimEnd('/');
        var slash = url.LastIndexOf('/');
        return slash >= 0 ? url[(slash + 1)..] : url;
    }

    public SqsConsumer<TMessage> CreateConsumer(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptionsMonitor<SqsConsumerOptions>>().Get(OptionsName);
        var name = ResolveName(options);
        var timeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var loggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var sqs = SqsClientFactory?.Invoke(services) ?? services.GetRequiredService<IAmazonSQS>();

        var pipeline = new MessagePipelineBuilder<TMessage>()
            .WithLoggerFactory(loggerFactory)
            .WithTimeProvider(timeProvider);
        if (SerializerOptions is not null)
        {
            pipeline.WithSerializerOptions(SerializerOptions);
        }

        if (TypeInfo is not null)
        {
            pipeline.WithTypeInfo(TypeInfo);
        }

        ReceiveKeyReader<TMessage>? keys = null;
        if (options.UseIdempotency)
        {
            var idempotency = options.Idempotency;
            if (string.IsNullOrWhiteSpace(idempotency.KeyPrefix))
            {
                // This consumer's own options instance: the prefix defaults to its stable name.
                idempotency.KeyPrefix = name;
            }

            services.GetRequiredService<SqsConsumerKeyPrefixes>().Claim(name, idempotency.KeyPrefix, options.AllowSharedKeyPrefix);

            var store = StoreFactory?.Invoke(services) ?? services.GetRequiredService<IIdempotencyStore>();
            var executor = new IdempotencyExecutor(store, idempotency, timeProvider, services.GetService<ILogger<IdempotencyExecutor>>());
            var keyFromIncoming = KeyFromIncoming;
            pipeline.UseIdempotency(executor, keyFromIncoming is null ? null : context => keyFromIncoming(context.Incoming));
            var typeInfo = TypeInfo ?? (JsonTypeInfo<TMessage>)(SerializerOptions ?? Serialization.IdempotencyJsonDefaults.Web).GetTypeInfo(typeof(TMessage));
            keys = new ReceiveKeyReader<TMessage>(executor, typeInfo, keyFromIncoming);
        }

        if (options.Retry.MaxRetryAttempts > 0)
        {
            pipeline.UseRetry(options.Retry);
        }

        foreach (var middleware in Middleware)
        {
            pipeline.Use(middleware(services));
        }

        return new SqsConsumer<TMessage>(
            name,
            options,
            sqs,
            Build(pipeline),
            keys,
            services.GetRequiredService<IServiceScopeFactory>(),
            timeProvider,
            loggerFactory);
    }
}
