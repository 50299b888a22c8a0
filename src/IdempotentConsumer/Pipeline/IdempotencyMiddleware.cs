using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;

namespace IdempotentConsumer.Pipeline;

/// <summary>Runs the rest of the pipeline under the executor: once per key, replaying completed duplicates.</summary>
/// <typeparam name="TMessage">The message type.</typeparam>
public sealed class IdempotencyMiddleware<TMessage> : IMessageMiddleware<TMessage>
{
    private readonly IdempotencyExecutor _executor;
    private readonly Func<MessageContext<TMessage>, string?>? _keyFromContext;

    /// <summary>Creates the middleware.</summary>
    /// <param name="executor">The executor (one per consumer).</param>
    /// <param name="keyFromContext">
    /// Optional key material taken from the delivery rather than the payload (e.g. the FIFO
    /// MessageDeduplicationId); null or empty means "no key". When null, the executor's key source reads the message.
    /// </param>
    public IdempotencyMiddleware(IdempotencyExecutor executor, Func<MessageContext<TMessage>, string?>? keyFromContext = null)
    {
        _executor = executor ?? throw new ArgumentNullException(nameof(executor));
        _keyFromContext = keyFromContext;
    }

    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(MessageContext<TMessage> context, MessageHandlerDelegate<TMessage> next)
    {
        var invocation = MessageInvocation.From(context, _keyFromContext);

        IdempotencyOutcome<object?> outcome;
        try
        {
            outcome = await _executor.ExecuteAsync(
                invocation,
                (context, next),
                static (call, _) =>
                {
                    var (ctx, nxt) = call.State;
                    ctx.Lease = call.Lease;
                    ctx.IdempotencyKey = call.Lease?.Key;
                    return nxt(ctx);
                },
                context.CancellationToken).ConfigureAwait(false);
        }
        catch (IdempotencyException) when (context.IdempotencyKey is null)
        {
            // Rejected before the handler ran (in progress elsewhere, validation, store down): report the key
            // anyway, so the adapter's log line and result name the record that blocked the message.
            context.IdempotencyKey = MessageInvocation.KeyForReport(_executor, invocation);
            throw;
        }
        finally
        {
            context.Lease = null;
        }

        context.IdempotencyKey = outcome.Key;
        context.Outcome = outcome.Kind;
        return outcome.Value;
    }
}
