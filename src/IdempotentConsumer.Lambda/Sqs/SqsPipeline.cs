using System.Text.Json.Serialization.Metadata;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Pipeline;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>The one place the SQS pipeline is assembled, for the builder and for dependency injection alike.</summary>
internal static class SqsPipeline
{
    public static MessagePipelineBuilder<TMessage> Create<TMessage>(
        IdempotencyExecutor executor,
        SqsBatchProcessorOptions options,
        JsonTypeInfo<TMessage>? typeInfo,
        ILoggerFactory? loggerFactory,
        TimeProvider timeProvider,
        IEnumerable<IMessageMiddleware<TMessage>> middleware)
    {
        var builder = new MessagePipelineBuilder<TMessage>()
            .WithSerializerOptions(options.SerializerOptions)
            .WithTimeProvider(timeProvider);
        if (typeInfo is not null)
        {
            builder.WithTypeInfo(typeInfo);
        }

        if (loggerFactory is not null)
        {
            builder.WithLoggerFactory(loggerFactory);
        }

        foreach (var step in middleware)
        {
            builder.Use(step);
        }

        // Copies of a key within one batch wait for its first record, after the user's middleware (which sees
        // every record) and before the store. Idempotency outside retry: retries happen while this attempt holds the lease.
        var keyFromContext = SqsIdempotencyKeys.ForPipeline<TMessage>(options, executor.Options);
        builder.Use(new InBatchDuplicateMiddleware<TMessage>(executor, keyFromContext));
        builder.UseIdempotency(executor, keyFromContext);
        if (options.Retry is { MaxRetryAttempts: > 0 } retry)
        {
            builder.UseRetry(retry);
        }

        return builder;
    }
}
