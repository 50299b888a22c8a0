using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Sqs.Transport;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IdempotentConsumer.Testing.Storm.Internal;

/// <summary>
/// Registers one consumer process the way a user registers a consumer: the hosted worker (<c>AddSqsConsumer</c>), or
/// with <see cref="StormSettings{TMessage}.UseLambda"/> the Lambda batch processor behind the local event source
/// mapping, each over the process's own wrappers of the shared store and queue, with the run's idempotency options.
/// </summary>
internal sealed class StormConsumerComposer<TMessage>(
    StormSettings<TMessage> settings,
    IIdempotencyStore store,
    ISqsTransport transport,
    IStormObserver observer,
    string queueUrl,
    TimeSpan visibilityTimeout,
    TimeSpan? heartbeatInterval,
    IdempotencyOptions idempotency,
    Func<StormProcess, TMessage, MessageContext<TMessage>, ValueTask<object?>> handler)
{
    private static readonly TimeSpan HandBackTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The services of one consumer process: the real worker, registered as a user registers it.</summary>
    public ServiceCollection Compose(StormProcess process)
    {
        var services = new ServiceCollection();
        var processStore = new StormProcessStore(store, process, observer);
        var processTransport = new StormProcessTransport(transport, process, observer);
        var loggerFactory = new StormLoggerFactory(process, observer, settings.LoggerFactory);
        if (settings.UseLambda)
        {
            services.AddSingleton<IHostedService>(new StormLambdaFunction<TMessage>(process, processTransport, queueUrl, visibilityTimeout, ComposeLambda(process, processStore, loggerFactory)));
            return services;
        }

        services.AddSqsConsumer<TMessage>(
            options =>
            {
                options.QueueUrl = queueUrl;
                options.Name = "storm";

                // One message at a time per process: a crash takes exactly the message it struck.
                options.MaxConcurrency = 1;
                options.MaxNumberOfMessages = 1;
                options.ReceiveBatchWindow = TimeSpan.Zero;
                options.WaitTimeSeconds = 1;
                options.VisibilityTimeout = visibilityTimeout;
                options.HeartbeatInterval = heartbeatInterval;
                options.MaxReceiveCount = settings.MaxReceiveCount;
                options.Redelivery.InitialDelay = settings.RetryBackoff;
                options.Redelivery.MaxDelay = TimeSpan.FromTicks(Math.Max(visibilityTimeout.Ticks, settings.RetryBackoff.Ticks));
                options.Redelivery.InProgressDelay = TimeSpan.FromSeconds(1);
                options.DeleteBatch.FlushInterval = TimeSpan.FromMilliseconds(5);
                options.ErrorBackoff.InitialDelay = TimeSpan.FromMilliseconds(50);
                options.ErrorBackoff.MaxDelay = TimeSpan.FromSeconds(1);
                options.HandBackTimeout = HandBackTimeout;
            },
            consumer =>
            {
                consumer
                    .WithStore(processStore)
                    .WithSqsTransport(_ => processTransport)
                    .WithSerializerOptions(settings.SerializerOptions)
                    .WithLoggerFactory(loggerFactory)
                    .WithoutRetry()
                    .WithIdempotency(idempotency.CopyTo);
                settings.ConfigureConsumer?.Invoke(consumer);
                consumer.Handle<object?>((message, context, _) => handler(process, message, context));
            });
        return services;
    }

    /// <summary>The function's batch processor, built as a user builds it, living in one execution environment.</summary>
    private SqsBatchProcessor<TMessage> ComposeLambda(StormProcess process, IIdempotencyStore store, StormLoggerFactory loggerFactory)
    {
        var builder = SqsBatchProcessor.For<TMessage>()
            .WithStore(store)
            .WithSerializerOptions(settings.SerializerOptions)
            .WithLoggerFactory(loggerFactory)
            .WithoutRetry()
            .WithIdempotency(idempotency.CopyTo)
            .Configure(options =>
            {
                // The function timeout is the visibility timeout (whole seconds, at least 1): leases are a fraction of it.
                options.MaxConcurrency = 1;
                options.LeaseSafetyMargin = visibilityTimeout / 5;
                options.MinimumLease = visibilityTimeout / 10;
            });
        settings.ConfigureLambda?.Invoke(builder);
        return builder.Handle<object?>((message, context, _) => handler(process, message, context));
    }
}
