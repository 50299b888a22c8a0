using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Amazon.SQS;
using IdempotentConsumer.Hosting.Options;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace IdempotentConsumer.Hosting.DependencyInjection;

/// <summary>
/// Configures one SQS consumer registered with <c>AddSqsConsumer</c>: idempotency (key, prefix, store), in-process
/// retry, concurrency, redelivery backoff, and extra middleware. Settings made here apply after those bound from
/// configuration.
/// </summary>
/// <typeparam name="TMessage">The consumer's message type.</typeparam>
public sealed class SqsConsumerBuilder<TMessage>
{
    private readonly SqsConsumerRegistration<TMessage> _registration;

    internal SqsConsumerBuilder(IServiceCollection services, SqsConsumerRegistration<TMessage> registration)
    {
        Services = services;
        _registration = registration;
    }

    /// <summary>The service collection the consumer is registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The name of this consumer's <see cref="SqsConsumerOptions"/> in <c>IOptionsMonitor&lt;SqsConsumerOptions&gt;.Get(name)</c>.</summary>
    public string OptionsName => _registration.OptionsName;

    /// <summary>Changes any setting.</summary>
    public SqsConsumerBuilder<TMessage> Configure(Action<SqsConsumerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(OptionsName, configure);
        return this;
    }

    /// <summary>Changes the idempotency settings (expiry, validation, cache, …).</summary>
    public SqsConsumerBuilder<TMessage> WithIdempotency(Action<IdempotencyOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Configure(o =>
        {
            o.UseIdempotency = true;
            configure(o.Idempotency);
        });
    }

    /// <summary>Runs every message without idempotency (no store calls; duplicates run again).</summary>
    public SqsConsumerBuilder<TMessage> WithoutIdempotency() => Configure(o => o.UseIdempotency = false);

    /// <summary>The stable prefix of this consumer's keys. Default: the consumer's name.</summary>
    public SqsConsumerBuilder<TMessage> WithKeyPrefix(string keyPrefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyPrefix);
        return WithIdempotency(o => o.KeyPrefix = keyPrefix);
    }

    /// <summary>Takes the key from the message (e.g. <c>order =&gt; order.OrderId</c>). Null or empty means "no key".</summary>
    public SqsConsumerBuilder<TMessage> WithKey(Func<TMessage, object?> selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var source = IdempotencyKeySource.From(selector);
        return WithIdempotency(o => o.KeySource = source);
    }

    /// <summary>Takes the key with a JMESPath expression over the JSON body (e.g. <c>orderId</c>).</summary>
    public SqsConsumerBuilder<TMessage> WithKeyJmesPath(string expression)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(expression);
        var source = IdempotencyKeySource.FromJmesPath(expression);
        return WithIdempotency(o => o.KeySource = source);
    }

    /// <summary>
    /// Uses the FIFO <c>MessageDeduplicationId</c> as the key (stable across a producer's retried sends). Messages
    /// without one run without idempotency, or fail when <see cref="IdempotencyOptions.ThrowOnMissingKey"/> is set.
    /// </summary>
    public SqsConsumerBuilder<TMessage> WithDeduplicationIdAsKey()
    {
        _registration.KeyFromIncoming = static incoming => incoming.MessageDeduplicationId;
        return this;
    }

    /// <summary>Uses this store instead of the <see cref="IIdempotencyStore"/> registered in DI.</summary>
    public SqsConsumerBuilder<TMessage> WithStore(Func<IServiceProvider, IIdempotencyStore> factory)
    {
        _registration.StoreFactory = factory ?? throw new ArgumentNullException(nameof(factory));
        return this;
    }

    /// <summary>Uses the store registered in DI as <typeparamref name="TStore"/>.</summary>
    public SqsConsumerBuilder<TMessage> WithStore<TStore>()
        where TStore : IIdempotencyStore =>
        WithStore(static services => services.GetRequiredService<TStore>());

    /// <summary>Changes in-process retry of transient failures (runs inside the idempotency lease).</summary>
    public SqsConsumerBuilder<TMessage> WithRetry(Action<MessageRetryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Configure(o => configure(o.Retry));
    }

    /// <summary>Turns in-process retry off: a failure goes straight back to the queue with backoff.</summary>
    public SqsConsumerBuilder<TMessage> WithoutRetry() => Configure(o => o.Retry.MaxRetryAttempts = 0);

    /// <summary>How many messages are held at once (running or waiting behind their FIFO group).</summary>
    public SqsConsumerBuilder<TMessage> WithConcurrency(int maxConcurrency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        return Configure(o => o.MaxConcurrency = maxConcurrency);
    }

    /// <summary>Changes when failed messages come back.</summary>
    public SqsConsumerBuilder<TMessage> WithRedelivery(Action<SqsRedeliveryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Configure(o => configure(o.Redelivery));
    }

    /// <summary>Uses this SQS client instead of the <see cref="IAmazonSQS"/> registered in DI.</summary>
    public SqsConsumerBuilder<TMessage> WithSqsClient(Func<IServiceProvider, IAmazonSQS> factory)
    {
        _registration.SqsClientFactory = factory ?? throw new ArgumentNullException(nameof(factory));
        return this;
    }

    /// <summary>Deserializes bodies with these options.</summary>
    public SqsConsumerBuilder<TMessage> WithSerializerOptions(JsonSerializerOptions options)
    {
        _registration.SerializerOptions = options ?? throw new ArgumentNullException(nameof(options));
        return this;
    }

    /// <summary>Deserializes bodies with this source-generated type info (trimming and AOT friendly).</summary>
    public SqsConsumerBuilder<TMessage> WithTypeInfo(JsonTypeInfo<TMessage> typeInfo)
    {
        _registration.TypeInfo = typeInfo ?? throw new ArgumentNullException(nameof(typeInfo));
        return this;
    }

    /// <summary>Adds a middleware, inside idempotency and retry, around the handler.</summary>
    public SqsConsumerBuilder<TMessage> UseMiddleware(Func<IServiceProvider, IMessageMiddleware<TMessage>> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _registration.Middleware.Add(factory);
        return this;
    }

    /// <summary>Adds a middleware written as a delegate, inside idempotency and retry, around the handler.</summary>
    public SqsConsumerBuilder<TMessage> UseMiddleware(Func<MessageContext<TMessage>, MessageHandlerDelegate<TMessage>, ValueTask<object?>> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        return UseMiddleware(_ => new DelegateStep(middleware));
    }

    private sealed class DelegateStep(Func<MessageContext<TMessage>, MessageHandlerDelegate<TMessage>, ValueTask<object?>> step) : IMessageMiddleware<TMessage>
    {
        public ValueTask<object?> InvokeAsync(MessageContext<TMessage> context, MessageHandlerDelegate<TMessage> next) => step(context, next);
    }
}
