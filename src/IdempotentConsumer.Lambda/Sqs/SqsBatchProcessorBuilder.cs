using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Consumers;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Lambda.Envelopes;
using IdempotentConsumer.Pipeline;
using Microsoft.Extensions.DependencyInjection;

namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>
/// Builds an <see cref="SqsBatchProcessor{TMessage}"/>: the shared consumer verbs (key, store, idempotency, retry,
/// middleware; see <see cref="ConsumerBuilder{TMessage, TSelf}"/>), the Lambda ones (envelope, record key, batch
/// options), then a terminal <c>Handle</c>. The processor captures a copy of everything said so far: changing the
/// builder afterwards does not change it.
/// </summary>
/// <typeparam name="TMessage">The handler's message type.</typeparam>
public sealed class SqsBatchProcessorBuilder<TMessage> : ConsumerBuilder<TMessage, SqsBatchProcessorBuilder<TMessage>>
{
    private readonly IServiceProvider _services;
    private readonly SqsBatchProcessorOptions _baseOptions;
    private readonly IdempotencyOptions? _baseIdempotency;
    private readonly List<Action<SqsBatchProcessorOptions>> _configure = [];

    internal SqsBatchProcessorBuilder(IServiceProvider services, SqsBatchProcessorOptions? baseOptions, IdempotencyOptions? baseIdempotency)
    {
        _services = services;
        _baseOptions = baseOptions ?? new SqsBatchProcessorOptions();
        _baseIdempotency = baseIdempotency;
    }

    /// <summary>The processor the last <c>Handle</c> built (the DI registration reads it).</summary>
    internal SqsBatchProcessor<TMessage>? Built { get; private set; }

    /// <summary>Opens an envelope around the payload (<see cref="SqsEnvelope.Sns"/>, <see cref="SqsEnvelope.EventBridge"/>, <see cref="SqsEnvelope.S3"/>); its default key is used unless a key is set explicitly.</summary>
    public SqsBatchProcessorBuilder<TMessage> WithEnvelope(SqsEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return Configure(o => o.Envelope = envelope);
    }

    /// <summary>Keys each message by something on its SQS record (see <see cref="SqsRecordKeys"/>); wins over payload and envelope keys.</summary>
    public SqsBatchProcessorBuilder<TMessage> WithRecordKey(Func<SQSEvent.SQSMessage, string?> recordKey)
    {
        ArgumentNullException.ThrowIfNull(recordKey);
        return WithKeyFromMessage(message => message.Transport is LambdaSqsTransportMessage lambda ? recordKey(lambda.Record) : null);
    }

    /// <summary>Changes the batch options: concurrency, FIFO rules, lease margin, all-failed behaviour, ….</summary>
    public SqsBatchProcessorBuilder<TMessage> Configure(Action<SqsBatchProcessorOptions> configure)
    {
        _configure.Add(configure ?? throw new ArgumentNullException(nameof(configure)));
        return this;
    }

    /// <summary>Builds the processor around a handler of the message.</summary>
    public SqsBatchProcessor<TMessage> Handle(Func<TMessage, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Handle((message, _, ct) => handler(message, ct));
    }

    /// <summary>Builds the processor around a handler that also reads the message context (attributes, key, SQS record).</summary>
    public SqsBatchProcessor<TMessage> Handle(Func<TMessage, MessageContext<TMessage>, CancellationToken, ValueTask> handler) =>
        Build(ConsumerHandler<TMessage>.From(handler));

    /// <summary>Builds the processor around a handler whose result is stored and replayed to duplicates.</summary>
    public SqsBatchProcessor<TMessage> Handle<TResult>(Func<TMessage, CancellationToken, ValueTask<TResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Handle<TResult>((message, _, ct) => handler(message, ct));
    }

    /// <summary>Builds the processor around a handler, reading the message context, whose result is stored and replayed.</summary>
    public SqsBatchProcessor<TMessage> Handle<TResult>(Func<TMessage, MessageContext<TMessage>, CancellationToken, ValueTask<TResult>> handler) =>
        Build(ConsumerHandler<TMessage>.From(handler));

    /// <summary>Builds the processor around a handler object.</summary>
    public SqsBatchProcessor<TMessage> Handle(IMessageHandler<TMessage> handler) => Build(ConsumerHandler<TMessage>.From(handler));

    /// <summary>Builds the processor around a handler object whose result is stored and replayed.</summary>
    public SqsBatchProcessor<TMessage> Handle<TResult>(IMessageHandler<TMessage, TResult> handler) => Build(ConsumerHandler<TMessage>.From(handler));

    /// <summary>Builds the processor around a <typeparamref name="THandler"/> resolved from each record's own service scope (register it scoped).</summary>
    /// <exception cref="IdempotencyConfigurationException"><typeparamref name="THandler"/> is not registered.</exception>
    public SqsBatchProcessor<TMessage> Handle<THandler>()
        where THandler : class, IMessageHandler<TMessage> =>
        Build(ConsumerHandler<TMessage>.FromServices<THandler>());

    /// <summary>As <see cref="Handle{THandler}()"/>, for a handler whose result is stored and replayed to duplicates.</summary>
    /// <exception cref="IdempotencyConfigurationException"><typeparamref name="THandler"/> is not registered.</exception>
    public SqsBatchProcessor<TMessage> Handle<THandler, TResult>()
        where THandler : class, IMessageHandler<TMessage, TResult> =>
        Build(ConsumerHandler<TMessage>.FromServices<THandler, TResult>());

    /// <summary>
    /// Builds the processor around a transactional handler: it adds its writes to <typeparamref name="TWrites"/> (e.g.
    /// <c>DynamoDbTransactWrites</c>) and they commit with the COMPLETED record in one call, with no record held while it
    /// runs. Completed duplicates found by the batch pre-check are replayed with no write. The handler may have no effect
    /// outside the writes it adds: it can run and then lose to a duplicate, or run again. See docs/lambda.md.
    /// </summary>
    /// <typeparam name="TWrites">The store's collection of writes; the consumer's store must commit it.</typeparam>
    /// <exception cref="IdempotencyConfigurationException">Idempotency is off, or the store cannot commit <typeparamref name="TWrites"/>.</exception>
    public SqsBatchProcessor<TMessage> HandleTransactionally<TWrites>(Func<TMessage, TWrites, CancellationToken, ValueTask> handler)
        where TWrites : class
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Build(
            ConsumerHandler<TMessage>.From((message, context, ct) => handler(message, OneCallIdempotencyMiddleware<TMessage, TWrites>.WritesOf(context), ct)),
            static (executor, keyFromContext) => executor.Store is IOneCallStore<TWrites> store
                ? new OneCallIdempotencyMiddleware<TMessage, TWrites>(executor, store, keyFromContext)
                : throw new IdempotencyConfigurationException($"The idempotency store ({executor.Store.GetType().Name}) cannot commit {typeof(TWrites).Name} with its record."),
            requireIdempotency: true);
    }

    private SqsBatchProcessor<TMessage> Build(ConsumerHandler<TMessage> handler) => Build(handler, null, requireIdempotency: false);

    private SqsBatchProcessor<TMessage> Build(
        ConsumerHandler<TMessage> handler,
        Func<IdempotencyExecutor, Func<MessageContext<TMessage>, string?>?, IMessageMiddleware<TMessage>>? idempotencyStep,
        bool requireIdempotency)
    {
        if (handler.HandlerType is { } handlerType && _services.GetService<IServiceProviderIsService>()?.IsService(handlerType) != true)
        {
            throw new IdempotencyConfigurationException(
                $"{handlerType.Name} is not registered: register it (e.g. services.AddScoped<{handlerType.Name}>()) and build the processor with AddSqsBatchProcessor, or pass a handler instance to Handle.");
        }

        var options = _baseOptions.Clone();
        foreach (var configure in _configure)
        {
            configure(options);
        }

        options.Validate();
        var definition = Snapshot(handler);
        var consumer = ConsumerPipelineFactory.Create(definition, _services, new ConsumerPipelineSettings<TMessage>
        {
            Idempotency = _baseIdempotency,
            DefaultKeyPrefix = Handlers.LambdaKeyPrefix.TryFromEnvironment(),
            ValidateOptions = Handlers.LambdaKeyPrefix.EnsureSet,
            DefaultKeyFromMessage = idempotency => SqsIdempotencyKeys.EnvelopeKey(options, idempotency),
            OuterSteps = (executor, keyFromContext) => executor is null ? [] : [new InBatchDuplicateMiddleware<TMessage>(executor, keyFromContext)],
            IdempotencyStep = idempotencyStep,
        });

        if (requireIdempotency && consumer.Executor is null)
        {
            throw new IdempotencyConfigurationException("A transactional handler commits with its idempotency record: idempotency must be on.");
        }

        var timeProvider = definition.TimeProvider ?? _services.GetService<TimeProvider>() ?? TimeProvider.System;
        var loggerFactory = definition.LoggerFactory ?? _services.GetService<Microsoft.Extensions.Logging.ILoggerFactory>();
        Built = new SqsBatchProcessor<TMessage>(consumer, options, _services, loggerFactory, timeProvider);
        return Built;
    }
}
