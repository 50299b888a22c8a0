using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using IdempotentConsumer.Dispositions;
using IdempotentConsumer.Execution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IdempotentConsumer.Pipeline;

/// <summary>
/// Builds a <see cref="MessagePipeline{TMessage}"/>, in the manner of Polly's <c>ResiliencePipelineBuilder</c>:
/// add steps in order (the first added is the outermost), then <c>Build</c> with the handler.
/// Put <see cref="UseIdempotency"/> before <see cref="UseRetry"/>, so retries happen while the lease is held.
/// </summary>
/// <typeparam name="TMessage">The message type.</typeparam>
public sealed class MessagePipelineBuilder<TMessage>
{
    // Factories, not instances: built-in steps read the builder's settings (clock, logging) at Build time,
    // so WithTimeProvider after UseRetry still applies.
    private readonly List<Func<MessagePipelineBuilder<TMessage>, IMessageMiddleware<TMessage>>> _middleware = [];
    private JsonTypeInfo<TMessage>? _typeInfo;
    private JsonSerializerOptions _serializerOptions = Serialization.IdempotencyJsonDefaults.Web;
    private ILoggerFactory _loggerFactory = NullLoggerFactory.Instance;
    private TimeProvider _timeProvider = TimeProvider.System;
    private RedeliveryOptions? _redelivery;

    /// <summary>Deserialize bodies with these options (e.g. with a source-generated resolver).</summary>
    public MessagePipelineBuilder<TMessage> WithSerializerOptions(JsonSerializerOptions options)
    {
        _serializerOptions = options ?? throw new ArgumentNullException(nameof(options));
        return this;
    }

    /// <summary>Deserialize bodies with this source-generated type info (AOT friendly).</summary>
    public MessagePipelineBuilder<TMessage> WithTypeInfo(JsonTypeInfo<TMessage> typeInfo)
    {
        _typeInfo = typeInfo ?? throw new ArgumentNullException(nameof(typeInfo));
        return this;
    }

    /// <summary>Log through this factory.</summary>
    public MessagePipelineBuilder<TMessage> WithLoggerFactory(ILoggerFactory loggerFactory)
    {
        _loggerFactory = loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory));
        return this;
    }

    /// <summary>Use this clock for retry delays.</summary>
    public MessagePipelineBuilder<TMessage> WithTimeProvider(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        return this;
    }

    /// <summary>Decide when unacknowledged messages come back with these delays (see <see cref="DispositionPolicy"/>).</summary>
    public MessagePipelineBuilder<TMessage> WithRedelivery(RedeliveryOptions options)
    {
        _redelivery = options ?? throw new ArgumentNullException(nameof(options));
        return this;
    }

    /// <summary>Adds idempotency: the rest of the pipeline runs once per key.</summary>
    /// <param name="executor">The consumer's executor.</param>
    /// <param name="keyFromContext">Optional key material from the delivery (e.g. <c>c => c.Incoming.MessageDeduplicationId</c>).</param>
    public MessagePipelineBuilder<TMessage> UseIdempotency(IdempotencyExecutor executor, Func<MessageContext<TMessage>, string?>? keyFromContext = null) =>
        Use(new IdempotencyMiddleware<TMessage>(executor, keyFromContext));

    /// <summary>Adds in-process retry of transient handler failures.</summary>
    public MessagePipelineBuilder<TMessage> UseRetry(MessageRetryOptions? options = null)
    {
        var retry = options ?? new MessageRetryOptions();
        _middleware.Add(builder => new RetryMiddleware<TMessage>(retry, builder._timeProvider));
        return this;
    }

    /// <summary>Adds a middleware.</summary>
    public MessagePipelineBuilder<TMessage> Use(IMessageMiddleware<TMessage> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        _middleware.Add(_ => middleware);
        return this;
    }

    /// <summary>Adds a middleware written as a delegate.</summary>
    public MessagePipelineBuilder<TMessage> Use(Func<MessageContext<TMessage>, MessageHandlerDelegate<TMessage>, ValueTask<object?>> middleware) =>
        Use(new DelegateMiddleware<TMessage>(middleware ?? throw new ArgumentNullException(nameof(middleware))));

    /// <summary>Builds the pipeline around a handler without a result.</summary>
    public MessagePipeline<TMessage> Build(IMessageHandler<TMessage> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Build(async context =>
        {
            await handler.HandleAsync(context.Message, context, context.CancellationToken).ConfigureAwait(false);
            return null;
        });
    }

    /// <summary>Builds the pipeline around a handler whose result is stored and replayed.</summary>
    public MessagePipeline<TMessage> Build<TResult>(IMessageHandler<TMessage, TResult> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Build(async context => await handler.HandleAsync(context.Message, context, context.CancellationToken).ConfigureAwait(false));
    }

    /// <summary>Builds the pipeline around a handler delegate.</summary>
    public MessagePipeline<TMessage> Build(Func<TMessage, MessageContext<TMessage>, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Build(async context =>
        {
            await handler(context.Message, context, context.CancellationToken).ConfigureAwait(false);
            return null;
        });
    }

    /// <summary>Builds the pipeline around a handler resolved from each message's services (a scope per message in hosted consumers).</summary>
    public MessagePipeline<TMessage> BuildWithHandlerFromServices<THandler>()
        where THandler : IMessageHandler<TMessage> =>
        Build(async context =>
        {
            var handler = context.Services.GetRequiredService<THandler>();
            await handler.HandleAsync(context.Message, context, context.CancellationToken).ConfigureAwait(false);
            return null;
        });

    /// <summary>Builds the pipeline around a terminal delegate.</summary>
    public MessagePipeline<TMessage> Build(MessageHandlerDelegate<TMessage> terminal)
    {
        ArgumentNullException.ThrowIfNull(terminal);
        var entry = terminal;
        for (var i = _middleware.Count - 1; i >= 0; i--)
        {
            var middleware = _middleware[i](this);
            var next = entry;
            entry = context => middleware.InvokeAsync(context, next);
        }

        var typeInfo = _typeInfo ?? (JsonTypeInfo<TMessage>)_serializerOptions.GetTypeInfo(typeof(TMessage));
        return new MessagePipeline<TMessage>(
            new MessageBodyDeserializer<TMessage>(typeInfo),
            entry,
            _loggerFactory.CreateLogger("IdempotentConsumer.Pipeline"),
            new DispositionPolicy(_redelivery, _timeProvider));
    }
}
