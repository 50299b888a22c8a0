using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using IdempotentConsumer.Dispositions;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Consumers;

/// <summary>
/// Everything a <see cref="ConsumerBuilder{TMessage, TSelf}"/> was told, frozen: the builder hands out a snapshot, so
/// changing the builder afterwards never changes a consumer already built. Adapters turn it into a pipeline with
/// <see cref="ConsumerPipelineFactory"/>.
/// </summary>
/// <typeparam name="TMessage">The message type.</typeparam>
public sealed class ConsumerDefinition<TMessage>
{
    internal ConsumerDefinition()
    {
    }

    /// <summary>The key source set in code (typed selector, JMESPath, whole payload); null: the options' (bound) key source.</summary>
    public IdempotencyKeySource? KeySource { get; internal init; }

    /// <summary>Key material taken from the delivery instead of the body (e.g. the FIFO deduplication id); wins over <see cref="KeySource"/>.</summary>
    public Func<IncomingMessage, string?>? KeyFromMessage { get; internal init; }

    /// <summary>False when idempotency was turned off; null when not said (on).</summary>
    public bool? UseIdempotency { get; internal init; }

    /// <summary>Where the store comes from; null: the <see cref="IIdempotencyStore"/> registered in services.</summary>
    public Func<IServiceProvider, IIdempotencyStore>? StoreFactory { get; internal init; }

    /// <summary>Changes to the idempotency options, applied in order on top of the bound or default ones.</summary>
    public IReadOnlyList<Action<IdempotencyOptions>> ConfigureIdempotency { get; internal init; } = [];

    /// <summary>Changes to the retry options, applied in order.</summary>
    public IReadOnlyList<Action<MessageRetryOptions>> ConfigureRetry { get; internal init; } = [];

    /// <summary>Changes to the redelivery options, applied in order.</summary>
    public IReadOnlyList<Action<RedeliveryOptions>> ConfigureRedelivery { get; internal init; } = [];

    /// <summary>User middleware, outermost first; they run inside idempotency and retry, once per handler attempt.</summary>
    public IReadOnlyList<Func<IServiceProvider, IMessageMiddleware<TMessage>>> Middleware { get; internal init; } = [];

    /// <summary>Serializer options for bodies; null: the idempotency options' serializer options.</summary>
    public JsonSerializerOptions? SerializerOptions { get; internal init; }

    /// <summary>Source-generated type info for bodies (trimming and AOT).</summary>
    public JsonTypeInfo<TMessage>? TypeInfo { get; internal init; }

    /// <summary>The clock; null: the one registered in services, else <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; internal init; }

    /// <summary>Where logs go; null: the factory registered in services, else none (Lambda: the context's logger).</summary>
    public ILoggerFactory? LoggerFactory { get; internal init; }

    /// <summary>The handler; null until a terminal verb set it.</summary>
    public ConsumerHandler<TMessage>? Handler { get; internal init; }
}
