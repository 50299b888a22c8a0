using Polly;
using Polly.Retry;

namespace IdempotentConsumer.Pipeline;

/// <summary>Retries transient handler failures in process (Polly v8), inside the idempotency lease.</summary>
/// <typeparam name="TMessage">The message type.</typeparam>
public sealed class RetryMiddleware<TMessage> : IMessageMiddleware<TMessage>
{
    private readonly ResiliencePipeline<object?> _pipeline;

    /// <summary>Creates the middleware.</summary>
    public RetryMiddleware(MessageRetryOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ResiliencePipelineBuilder<object?> { TimeProvider = timeProvider ?? TimeProvider.System };
        if (options.MaxRetryAttempts > 0)
        {
            var shouldRetry = options.ShouldRetry;
            builder.AddRetry(new RetryStrategyOptions<object?>
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.Delay,
                MaxDelay = options.MaxDelay,
                BackoffType = options.BackoffType,
                UseJitter = options.UseJitter,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && ex is not OperationCanceledException && shouldRetry(ex)),
            });
        }

        _pipeline = builder.Build();
    }

    /// <inheritdoc />
    public ValueTask<object?> InvokeAsync(MessageContext<TMessage> context, MessageHandlerDelegate<TMessage> next)
    {
        context.Attempt = 0;
        return _pipeline.ExecuteAsync(
            static (state, _) =>
            {
                state.context.Attempt++;
                return state.next(state.context);
            },
            (context, next),
            context.CancellationToken);
    }
}
