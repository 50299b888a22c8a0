using IdempotentConsumer.Execution;
using IdempotentConsumer.Pipeline;

namespace IdempotentConsumer.Consumers;

/// <summary>A consumer's built pipeline, with the executor and options it captured.</summary>
/// <typeparam name="TMessage">The message type.</typeparam>
/// <param name="Pipeline">The pipeline the adapter runs each message through.</param>
/// <param name="Executor">The consumer's own executor; null when idempotency is off.</param>
/// <param name="Idempotency">The idempotency options captured at build (a copy, never shared with the builder).</param>
/// <param name="Retry">The retry options captured at build.</param>
public sealed record ConsumerPipeline<TMessage>(MessagePipeline<TMessage> Pipeline, IdempotencyExecutor? Executor, IdempotencyOptions Idempotency, MessageRetryOptions Retry)
{
    /// <summary>The batch pre-check batch adapters run before a batch's records; null when idempotency is off or the mode is <see cref="Batching.BatchPrecheckMode.Never"/>.</summary>
    public Batching.BatchPrecheck<TMessage>? Precheck { get; init; }
}
