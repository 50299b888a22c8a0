using IdempotentConsumer.Dispositions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Pipeline;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Consumers;

/// <summary>What an adapter adds when it builds a consumer's pipeline: its base options and its own steps.</summary>
/// <typeparam name="TMessage">The message type.</typeparam>
public sealed class ConsumerPipelineSettings<TMessage>
{
    /// <summary>Idempotency options bound from configuration, before the builder's changes; null: defaults. Copied, never changed.</summary>
    public IdempotencyOptions? Idempotency { get; init; }

    /// <summary>Retry options bound from configuration; null: defaults. Copied, never changed.</summary>
    public MessageRetryOptions? Retry { get; init; }

    /// <summary>Redelivery options bound from configuration; null: defaults. Copied, never changed.</summary>
    public RedeliveryOptions? Redelivery { get; init; }

    /// <summary>The key prefix when neither configuration nor the builder sets one (the consumer's name).</summary>
    public string? DefaultKeyPrefix { get; init; }

    /// <summary>Whether idempotency is on when the builder did not say (configuration may turn it off). Default: on.</summary>
    public bool UseIdempotency { get; init; } = true;

    /// <summary>Where the key comes from when the builder set no <see cref="ConsumerDefinition{TMessage}.KeyFromMessage"/> (e.g. an envelope's key), given the final options.</summary>
    public Func<IdempotencyOptions, Func<IncomingMessage, string?>?>? DefaultKeyFromMessage { get; init; }

    /// <summary>The logger factory when the builder set none and services have none.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Checks the final idempotency options (e.g. a key prefix shared by two consumers) before the executor is built.</summary>
    public Action<IdempotencyOptions>? ValidateOptions { get; init; }

    /// <summary>
    /// The adapter's own steps, run after deserialization and before idempotency (e.g. Lambda's in-batch duplicate
    /// grouping), given the consumer's executor (null when idempotency is off) and its delivery key, if any.
    /// </summary>
    public Func<IdempotencyExecutor?, Func<MessageContext<TMessage>, string?>?, IEnumerable<IMessageMiddleware<TMessage>>>? OuterSteps { get; init; }

    /// <summary>Replaces the usual (begin, run, complete) idempotency step, e.g. with the one-call transactional step.</summary>
    internal Func<IdempotencyExecutor, Func<MessageContext<TMessage>, string?>?, IMessageMiddleware<TMessage>>? IdempotencyStep { get; init; }
}
