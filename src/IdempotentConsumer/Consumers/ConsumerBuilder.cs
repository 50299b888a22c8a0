using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using IdempotentConsumer.Dispositions;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Consumers;

/// <summary>
/// The verbs every consumer builder shares, whatever the transport (the Lambda SQS batch processor, the hosted SQS
/// worker, …): where the key comes from, the store, idempotency options, retry, redelivery and middleware. A transport's
/// builder derives from it and adds only what is its own (concurrency, envelopes, the queue) and its terminal verb.
/// </summary>
/// <remarks>
/// The pipeline every consumer runs is: deserialize → the transport's own steps → idempotency → retry → your middleware
/// (<see cref="Use(IMessageMiddleware{TMessage})"/>) → handler. Your middleware therefore runs once per handler attempt,
/// and never for a duplicate answered from its record.
/// </remarks>
/// <typeparam name="TMessage">The message type.</typeparam>
/// <typeparam name="TSelf">The deriving builder, returned by every verb so calls chain.</typeparam>
public abstract class ConsumerBuilder<TMessage, TSelf>
    where TSelf : ConsumerBuilder<TMessage, TSelf>
{
    private readonly List<Action<IdempotencyOptions>> _idempotency = [];
    private readonly List<Action<MessageRetryOptions>> _retry = [];
    private readonly List<Action<RedeliveryOptions>> _redelivery = [];
    private readonly List<Func<IServiceProvider, IMessageMiddleware<TMessage>>> _middleware = [];
    private IdempotencyKeySource? _keySource;
    private Func<IncomingMessage, string?>? _keyFromMessage;
    private bool? _useIdempotency;
    private Func<IServiceProvider, IIdempotencyStore>? _storeFactory;
    private JsonSerializerOptions? _serializerOptions;
    private JsonTypeInfo<TMessage>? _typeInfo;
    private TimeProvider? _timeProvider;
    private ILoggerFactory? _loggerFactory;

    private TSelf Self => (TSelf)this;

    /// <summary>Keys each message by a typed selector over the deserialized message (e.g. <c>o =&gt; o.OrderId</c>). Null or empty means "no key".</summary>
    public TSelf WithKey(Func<TMessage, object?> selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        _keySource = IdempotencyKeySource.From(selector);
        return Self;
    }

    /// <summary>Keys each message by a JMESPath expression over its JSON body (e.g. <c>order.id</c>).</summary>
    public TSelf WithKeyJmesPath(string expression)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(expression);
        _keySource = IdempotencyKeySource.FromJmesPath(expression);
        return Self;
    }

    /// <summary>Keys each message by its whole body, canonicalized so field order and whitespace do not matter.</summary>
    public TSelf WithWholeBodyKey()
    {
        _keySource = IdempotencyKeySource.WholePayload;
        return Self;
    }

    /// <summary>
    /// Keys each message by something the transport delivered with it rather than its body (an attribute, the FIFO
    /// deduplication id, …). Null or empty means "no key". Wins over the body key sources.
    /// </summary>
    public TSelf WithKeyFromMessage(Func<IncomingMessage, string?> keyFromMessage)
    {
        _keyFromMessage = keyFromMessage ?? throw new ArgumentNullException(nameof(keyFromMessage));
        return Self;
    }

    /// <summary>
    /// Keys each message by its FIFO <c>MessageDeduplicationId</c>, which a producer keeps across its retried sends.
    /// Messages without one have no key (see <see cref="IdempotencyOptions.ThrowOnMissingKey"/>).
    /// </summary>
    public TSelf WithDeduplicationIdKey() => WithKeyFromMessage(static message => message.MessageDeduplicationId);

    /// <summary>
    /// Keys each message by the key hash its producer stamped into the message attribute <paramref name="attributeName"/>
    /// (the SQS sender's <c>idempotency-key</c>), without parsing the body. The record key is the one the body key source
    /// gives, so configure the same key source, hash and prefix as the producer. A missing attribute, or a forged one
    /// (not a hash of the configured algorithm, or, with <paramref name="verify"/>, not the body's key), falls back to the
    /// body key or fails the message as poison, as <paramref name="fallback"/> says. A key from the delivery
    /// (<see cref="WithKeyFromMessage"/>, <see cref="WithDeduplicationIdKey"/>) still wins.
    /// </summary>
    /// <param name="attributeName">The message attribute; default <see cref="IdempotencyKeyAttribute.DefaultName"/>.</param>
    /// <param name="fallback">What a missing or forged attribute does.</param>
    /// <param name="verify">Also compare the stamped key with the body's key (parses every body; for untrusted producers).</param>
    public TSelf WithKeyFromAttribute(string attributeName = IdempotencyKeyAttribute.DefaultName, KeyAttributeFallback fallback = KeyAttributeFallback.UseBodyKey, bool verify = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(attributeName);
        return WithIdempotency(o =>
        {
            o.KeyAttribute = attributeName;
            o.KeyAttributeFallback = fallback;
            o.VerifyKeyAttribute = verify;
        });
    }

    /// <summary>The stable prefix of this consumer's keys. Set it once: keys with another prefix are other keys.</summary>
    public TSelf WithKeyPrefix(string keyPrefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyPrefix);
        return WithIdempotency(o => o.KeyPrefix = keyPrefix);
    }

    /// <summary>Keeps idempotency records in this store.</summary>
    public TSelf WithStore(IIdempotencyStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return WithStore(_ => store);
    }

    /// <summary>Keeps idempotency records in the store this factory returns (called once, when the consumer is built).</summary>
    public TSelf WithStore(Func<IServiceProvider, IIdempotencyStore> factory)
    {
        _storeFactory = factory ?? throw new ArgumentNullException(nameof(factory));
        _useIdempotency ??= true;
        return Self;
    }

    /// <summary>Keeps idempotency records in the store registered in services as <typeparamref name="TStore"/>.</summary>
    public TSelf WithStore<TStore>()
        where TStore : IIdempotencyStore =>
        WithStore(static services => services.GetRequiredService<TStore>());

    /// <summary>
    /// Keeps idempotency records in memory, in this process only: duplicates delivered to another process or after a
    /// restart run again. For tests, demos and single-instance consumers; a consumer never falls back to it silently.
    /// </summary>
    public TSelf WithInMemoryStore() => WithStore(static _ => new InMemoryIdempotencyStore());

    /// <summary>Changes the idempotency options (expiry, lease, payload validation, local cache, missing-key policy, …).</summary>
    public TSelf WithIdempotency(Action<IdempotencyOptions> configure)
    {
        _idempotency.Add(configure ?? throw new ArgumentNullException(nameof(configure)));
        return Self;
    }

    /// <summary>Runs every message without idempotency: no store calls, duplicates run again.</summary>
    public TSelf WithoutIdempotency()
    {
        _useIdempotency = false;
        return Self;
    }

    /// <summary>Changes in-process retry of transient handler failures (it runs while the idempotency lease is held).</summary>
    public TSelf WithRetry(Action<MessageRetryOptions> configure)
    {
        _retry.Add(configure ?? throw new ArgumentNullException(nameof(configure)));
        return Self;
    }

    /// <summary>Turns in-process retry off: a failure goes straight back to the transport.</summary>
    public TSelf WithoutRetry() => WithRetry(static o => o.MaxRetryAttempts = 0);

    /// <summary>Changes when messages that were not acknowledged come back (where the transport can say).</summary>
    public TSelf WithRedelivery(Action<RedeliveryOptions> configure)
    {
        _redelivery.Add(configure ?? throw new ArgumentNullException(nameof(configure)));
        return Self;
    }

    /// <summary>Adds a middleware around the handler, inside idempotency and retry.</summary>
    public TSelf Use(IMessageMiddleware<TMessage> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        return Use(_ => middleware);
    }

    /// <summary>Adds a middleware created from the consumer's services when it is built.</summary>
    public TSelf Use(Func<IServiceProvider, IMessageMiddleware<TMessage>> factory)
    {
        _middleware.Add(factory ?? throw new ArgumentNullException(nameof(factory)));
        return Self;
    }

    /// <summary>Adds a middleware written as a delegate.</summary>
    public TSelf Use(Func<MessageContext<TMessage>, MessageHandlerDelegate<TMessage>, ValueTask<object?>> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        return Use(new DelegateMiddleware<TMessage>(middleware));
    }

    /// <summary>Deserializes bodies with these options.</summary>
    public TSelf WithSerializerOptions(JsonSerializerOptions options)
    {
        _serializerOptions = options ?? throw new ArgumentNullException(nameof(options));
        return Self;
    }

    /// <summary>Deserializes bodies with this source-generated type info (trimming and AOT).</summary>
    public TSelf WithTypeInfo(JsonTypeInfo<TMessage> typeInfo)
    {
        _typeInfo = typeInfo ?? throw new ArgumentNullException(nameof(typeInfo));
        return Self;
    }

    /// <summary>Uses this clock for records, retries and redelivery delays.</summary>
    public TSelf WithTimeProvider(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        return Self;
    }

    /// <summary>Logs through this factory.</summary>
    public TSelf WithLoggerFactory(ILoggerFactory loggerFactory)
    {
        _loggerFactory = loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory));
        return Self;
    }

    /// <summary>A frozen copy of everything said so far, with <paramref name="handler"/> as its handler.</summary>
    protected ConsumerDefinition<TMessage> Snapshot(ConsumerHandler<TMessage>? handler) => new()
    {
        KeySource = _keySource,
        KeyFromMessage = _keyFromMessage,
        UseIdempotency = _useIdempotency,
        StoreFactory = _storeFactory,
        ConfigureIdempotency = [.. _idempotency],
        ConfigureRetry = [.. _retry],
        ConfigureRedelivery = [.. _redelivery],
        Middleware = [.. _middleware],
        SerializerOptions = _serializerOptions,
        TypeInfo = _typeInfo,
        TimeProvider = _timeProvider,
        LoggerFactory = _loggerFactory,
        Handler = handler,
    };
}
