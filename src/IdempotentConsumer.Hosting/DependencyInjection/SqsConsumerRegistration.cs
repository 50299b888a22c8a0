using System.Text.Json.Serialization.Metadata;
using Amazon.SQS;
using IdempotentConsumer.Consumers;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Hosting.Options;
using IdempotentConsumer.Hosting.Transport;
using IdempotentConsumer.Hosting.Worker;
using IdempotentConsumer.Sqs.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace IdempotentConsumer.Hosting.DependencyInjection;

/// <summary>One registered consumer: its options name, its builder, and how the host builds it.</summary>
internal sealed class SqsConsumerRegistration<TMessage>
{
    public SqsConsumerRegistration(string optionsName, string? sectionName, SqsConsumerBuilder<TMessage> builder)
    {
        OptionsName = optionsName;
        SectionName = sectionName;
        Builder = builder;
    }

    /// <summary>The named-options name: unique per registration.</summary>
    public string OptionsName { get; }

    /// <summary>The key of the configuration section it was bound from, if any: the default consumer name.</summary>
    public string? SectionName { get; }

    public SqsConsumerBuilder<TMessage> Builder { get; }

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

    /// <summary>Builds the consumer when the host starts: a missing handler, store or SQS client fails the start.</summary>
    public SqsConsumer<TMessage> CreateConsumer(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptionsMonitor<SqsConsumerOptions>>().Get(OptionsName);
        var name = ResolveName(options);
        var definition = Builder.Build();
        if (definition.Handler is null)
        {
            throw new IdempotencyConfigurationException($"The SQS consumer '{name}' has no handler: end its builder with Handle(...).");
        }

        var timeProvider = definition.TimeProvider ?? services.GetService<TimeProvider>() ?? TimeProvider.System;
        var loggerFactory = definition.LoggerFactory ?? services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        // The builder's transport wins; then one registered for every consumer (e.g. the in-process queue in a test host).
        var transport = Builder.TransportFactory?.Invoke(services)
            ?? services.GetService<ISqsTransport>()
            ?? new AwsSqsTransport(services.GetService<IAmazonSQS>() ?? throw new IdempotencyConfigurationException(
                $"The SQS consumer '{name}' needs an IAmazonSQS in the container (e.g. services.AddAWSService<IAmazonSQS>()), or WithSqsClient / WithSqsTransport on its builder."));
        var keyPrefixes = services.GetRequiredService<SqsConsumerKeyPrefixes>();
        var consumer = ConsumerPipelineFactory.Create(definition, services, new ConsumerPipelineSettings<TMessage>
        {
            Idempotency = options.Idempotency,
            Retry = options.Retry,
            Redelivery = options.Redelivery,
            DefaultKeyPrefix = name,
            UseIdempotency = options.UseIdempotency,
            LoggerFactory = loggerFactory,
            ValidateOptions = idempotency => keyPrefixes.Claim(name, idempotency.KeyPrefix, options.AllowSharedKeyPrefix),
        });

        ReceiveKeyReader<TMessage>? keys = null;
        if (consumer.Executor is { } executor)
        {
            var typeInfo = definition.TypeInfo ?? (JsonTypeInfo<TMessage>)(definition.SerializerOptions ?? consumer.Idempotency.SerializerOptions).GetTypeInfo(typeof(TMessage));
            keys = new ReceiveKeyReader<TMessage>(executor, typeInfo, definition.KeyFromMessage);
        }

        return new SqsConsumer<TMessage>(
            name,
            options,
            transport,
            consumer.Pipeline,
            keys,
            consumer.Precheck,
            services.GetRequiredService<IServiceScopeFactory>(),
            timeProvider,
            loggerFactory,
            consumer.Executor is null ? null : consumer.Idempotency,
            consumer.Retry);
    }
}
