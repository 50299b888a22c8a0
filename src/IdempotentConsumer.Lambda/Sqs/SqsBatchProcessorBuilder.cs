using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Lambda.Envelopes;
using IdempotentConsumer.Lambda.Handlers;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>
/// Builds an <see cref="SqsBatchProcessor{TMessage}"/>: the store, the key, the envelope and the batch rules,
/// then the handler. The pipeline is deserialize → your middleware → idempotency → retry → handler.
/// </summary>
/// <typeparam name="TMessage">The handler's message type.</typeparam>
public sealed class SqsBatchProcessorBuilder<TMessage>
{
    private readonly IdempotencyOptions _idempotency;
    private readonly SqsBatchProcessorOptions _options = new();
    private readonly List<IMessageMiddleware<TMessage>> _middleware = [];
    private IIdempotencyStore? _store;
    private IdempotencyExecutor? _executor;
    private JsonTypeInfo<TMessage>? _typeInfo;
    private ILoggerFactory? _loggerFactory;
    private TimeProvider _timeProvider = TimeProvider.System;

    internal SqsBatchProcessorBuilder(string? consumerName)
    {
        // No name: the prefix is resolved at build, after ConfigureIdempotency had its chance to set one.
        _idempotency = consumerName is null ? new IdempotencyOptions() : new IdempotencyOptions { KeyPrefix = consumerName };
    }

    /// <summary>Keeps idempotency records in this store (the DynamoDB store in production).</summary>
    public SqsBatchProcessorBuilder<TMessage> WithStore(IIdempotencyStore store)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        return this;
    }

    /// <summary>Uses an existing executor (its store and options) instead of <see cref="WithStore"/> and <see cref="ConfigureIdempotency"/>.</summary>
    public SqsBatchProcessorBuilder<TMessage> WithExecutor(IdempotencyExecutor executor)
    {
        _executor = executor ?? throw new ArgumentNullException(nameof(executor));
        return this;
    }

    /// <summary>Sets idempotency options: record expiry, payload validation, local cache, missing-key policy, ….</summary>
    public SqsBatchProcessorBuilder<TMessage> ConfigureIdempotency(Action<IdempotencyOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(_idempotency);
        return this;
    }

    /// <summary>Keys each message by a typed selector over the deserialized message (e.g. <c>o => o.OrderId</c>).</summary>
    public SqsBatchProcessorBuilder<TMessage> WithKey(Func<TMessage, object?> selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        _idempotency.KeySource = IdempotencyKeySource.From(selector);
        return this;
    }

    /// <summary>Keys each message by a JMESPath expression over the (unwrapped) body, e.g. <c>order.id</c>.</summary>
    public SqsBatchProcessorBuilder<TMessage> WithKeyJmesPath(string expression)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(expression);
        _idempotency.KeySource = IdempotencyKeySource.FromJmesPath(expression);
        return this;
    }

    /// <summary>Keys each message by its whole (unwrapped) body, canonicalized so field order does not matter.</summary>
    public SqsBatchProcessorBuilder<TMessage> WithWholeBodyKey()
    {
        _idempotency.KeySource = IdempotencyKeySource.WholePayload;
        return this;
    }

    /// <summary>Keys each message by its FIFO <c>MessageDeduplicationId</c>, which is stable across a producer's retried sends.</summary>
    public SqsBatchProcessorBuilder<TMessage> WithMessageDeduplicationIdKey() => WithRecordKey(SqsRecordKeys.MessageDeduplicationId);

    /// <summary>Keys each message by something on the SQS record (an attribute, a header set by the producer, …).</summary>
    public SqsBatchProcessorBuilder<TMessage> WithRecordKey(Func<SQSEvent.SQSMessage, string?> recordKey)
    {
        _options.RecordKey = recordKey ?? throw new ArgumentNullException(nameof(recordKey));
        return this;
    }

    /// <summary>Opens an envelope around the payload (<see cref="SqsEnvelope.Sns"/>, <see cref="SqsEnvelope.EventBridge"/>, <see cref="SqsEnvelope.S3"/>).</summary>
    public SqsBatchProcessorBuilder<TMessage> WithEnvelope(SqsEnvelope envelope)
    {
        _options.Envelope = envelope ?? throw new ArgumentNullException(nameof(envelope));
        return this;
    }

    /// <summary>Sets batch options: concurrency, FIFO rules, lease margin, all-failed behaviour, ….</summary>
    public SqsBatchProcessorBuilder<TMessage> Configure(Action<SqsBatchProcessorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(_options);
        return this;
    }

    /// <summary>Retries transient handler failures in process with these options (null: no retry).</summary>
    public SqsBatchProcessorBuilder<TMessage> WithRetry(MessageRetryOptions? retry)
    {
        _options.Retry = retry;
        return this;
    }

    /// <summary>Deserializes bodies with these options.</summary>
    public SqsBatchProcessorBuilder<TMessage> WithSerializerOptions(JsonSerializerOptions options)
    {
        _options.SerializerOptions = options ?? throw new ArgumentNullException(nameof(options));
        return this;
    }

    /// <summary>Deserializes bodies with this source-generated type info (trimming/AOT).</summary>
    public SqsBatchProcessorBuilder<TMessage> WithTypeInfo(JsonTypeInfo<TMessage> typeInfo)
    {
        _typeInfo = typeInfo ?? throw new ArgumentNullException(nameof(typeInfo));
        return this;
    }

    /// <summary>Logs through this factory instead of JSON lines on the Lambda context's logger.</summary>
    public SqsBatchProcessorBuilder<TMessage> WithLoggerFactory(ILoggerFactory loggerFactory)
    {
        _loggerFactory = loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory));
        return this;
    }

    /// <summary>Uses this clock (records, retries, the invocation deadline).</summary>
    public SqsBatchProcessorBuilder<TMessage> WithTimeProvider(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        return this;
    }

    /// <summary>Adds a middleware that runs before idempotency (it sees duplicates too).</summary>
    public SqsBatchProcessorBuilder<TMessage> Use(IMessageMiddleware<TMessage> middleware)
    {
        _middleware.Add(middleware ?? throw new ArgumentNullException(nameof(middleware)));
        return this;
    }

    /// <summary>Builds the processor around a handler of the message.</summary>
    public SqsBatchProcessor<TMessage> Handle(Func<TMessage, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Build(builder => builder.Build((message, _, ct) => handler(message, ct)));
    }

    /// <summary>Builds the processor around a handler that also reads the message context (attributes, key, SQS record).</summary>
    public SqsBatchProcessor<TMessage> Handle(Func<TMessage, MessageContext<TMessage>, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Build(builder => builder.Build(handler));
    }

    /// <summary>Builds the processor around a handler whose result is stored and replayed for duplicates.</summary>
    public SqsBatchProcessor<TMessage> Handle<TResult>(Func<TMessage, CancellationToken, ValueTask<TResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Build(builder => builder.Build(async context => await handler(context.Message, context.CancellationToken).ConfigureAwait(false)));
    }

    /// <summary>Builds the processor around a handler object.</summary>
    public SqsBatchProcessor<TMessage> Handle(IMessageHandler<TMessage> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Build(builder => builder.Build(handler));
    }

    /// <summary>Builds the processor around a handler object whose result is stored and replayed.</summary>
    public SqsBatchProcessor<TMessage> Handle<TResult>(IMessageHandler<TMessage, TResult> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Build(builder => builder.Build(handler));
    }

    private SqsBatchProcessor<TMessage> Build(Func<MessagePipelineBuilder<TMessage>, MessagePipeline<TMessage>> build)
    {
        _options.Validate();
        IdempotencyExecutor executor;
        if (_executor is not null)
        {
            executor = LambdaKeyPrefix.Ensure(_executor, _timeProvider, _loggerFactory);
        }
        else
        {
            var store = _store ?? throw new IdempotencyConfigurationException("Call WithStore (or WithExecutor) before Handle: the processor needs an idempotency store.");
            _idempotency.KeyPrefix = LambdaKeyPrefix.Resolve(_idempotency.KeyPrefix);
            executor = new IdempotencyExecutor(store, _idempotency, _timeProvider, _loggerFactory?.CreateLogger<IdempotencyExecutor>());
        }

        var pipeline = SqsPipeline.Create(executor, _options, _typeInfo, _loggerFactory, _timeProvider, _middleware);
        return new SqsBatchProcessor<TMessage>(build(pipeline), _options, null, _loggerFactory, _timeProvider);
    }
}
