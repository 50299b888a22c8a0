using Amazon.Lambda.Core;
using IdempotentConsumer.Execution;

namespace IdempotentConsumer.Lambda.Handlers;

/// <summary>Wraps Lambda handlers so they run once per key (the equivalent of Powertools' idempotent function).</summary>
public static class IdempotentLambda
{
    /// <summary>Wraps an asynchronous handler with a result.</summary>
    /// <example><code>
    /// private static readonly Func&lt;OrderEvent, ILambdaContext, Task&lt;Receipt&gt;&gt; Idempotent =
    ///     IdempotentLambda.Wrap&lt;OrderEvent, Receipt&gt;(executor, ShipAsync, o =&gt; o.KeySelector = e =&gt; e.OrderId);
    /// public Task&lt;Receipt&gt; Handler(OrderEvent e, ILambdaContext c) =&gt; Idempotent(e, c);
    /// </code></example>
    public static Func<TEvent, ILambdaContext, Task<TResult>> Wrap<TEvent, TResult>(
        IdempotencyExecutor executor,
        Func<TEvent, ILambdaContext, Task<TResult>> handler,
        Action<IdempotentHandlerOptions<TEvent>>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Create<TEvent, TResult>(executor, async (e, c, _) => await handler(e, c).ConfigureAwait(false), configure).HandleAsync;
    }

    /// <summary>Wraps an asynchronous handler that honours the lease-end cancellation token.</summary>
    public static Func<TEvent, ILambdaContext, Task<TResult>> Wrap<TEvent, TResult>(
        IdempotencyExecutor executor,
        Func<TEvent, ILambdaContext, CancellationToken, Task<TResult>> handler,
        Action<IdempotentHandlerOptions<TEvent>>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Create<TEvent, TResult>(executor, async (e, c, ct) => await handler(e, c, ct).ConfigureAwait(false), configure).HandleAsync;
    }

    /// <summary>Wraps a synchronous handler with a result; the wrapped handler is asynchronous (store calls are).</summary>
    public static Func<TEvent, ILambdaContext, Task<TResult>> Wrap<TEvent, TResult>(
        IdempotencyExecutor executor,
        Func<TEvent, ILambdaContext, TResult> handler,
        Action<IdempotentHandlerOptions<TEvent>>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Create<TEvent, TResult>(executor, (e, c, _) => ValueTask.FromResult(handler(e, c)), configure).HandleAsync;
    }

    /// <summary>Wraps an asynchronous handler without a result (S3 or EventBridge handlers).</summary>
    public static Func<TEvent, ILambdaContext, Task> Wrap<TEvent>(
        IdempotencyExecutor executor,
        Func<TEvent, ILambdaContext, Task> handler,
        Action<IdempotentHandlerOptions<TEvent>>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var wrapped = Create<TEvent, object?>(
            executor,
            async (e, c, _) =>
            {
                await handler(e, c).ConfigureAwait(false);
                return null;
            },
            configure);
        return wrapped.HandleAsync;
    }

    /// <summary>Creates the handler object, for callers that keep it (e.g. in a DI container).</summary>
    public static IdempotentLambdaHandler<TEvent, TResult> Create<TEvent, TResult>(
        IdempotencyExecutor executor,
        Func<TEvent, ILambdaContext, CancellationToken, ValueTask<TResult>> handler,
        Action<IdempotentHandlerOptions<TEvent>>? configure = null,
        TimeProvider? timeProvider = null)
    {
        var options = new IdempotentHandlerOptions<TEvent>();
        configure?.Invoke(options);
        return new IdempotentLambdaHandler<TEvent, TResult>(executor, handler, options, timeProvider);
    }
}
