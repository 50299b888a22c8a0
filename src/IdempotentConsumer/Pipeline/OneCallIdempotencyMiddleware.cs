using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;

namespace IdempotentConsumer.Pipeline;

/// <summary>
/// The idempotency step of a transactional consumer: runs the rest of the pipeline with no record held, collecting the
/// handler's writes, then commits them with the COMPLETED record in one call. A pre-checked completed record
/// (<see cref="MessageContext{TMessage}.PrecheckedRecord"/>) is replayed with no store call.
/// </summary>
/// <typeparam name="TMessage">The message type.</typeparam>
/// <typeparam name="TWrites">The store's collection of writes.</typeparam>
internal sealed class OneCallIdempotencyMiddleware<TMessage, TWrites> : IMessageMiddleware<TMessage>
    where TWrites : class
{
    private readonly IdempotencyExecutor _executor;
    private readonly IOneCallStore<TWrites> _store;
    private readonly Func<MessageContext<TMessage>, string?>? _keyFromContext;

    public OneCallIdempotencyMiddleware(IdempotencyExecutor executor, IOneCallStore<TWrites> store, Func<MessageContext<TMessage>, string?>? keyFromContext)
    {
        _executor = executor;
        _store = store;
        _keyFromContext = keyFromContext;
    }

    /// <summary>The writes of the message being handled; only inside a transactional consumer's handler.</summary>
    public static TWrites WritesOf(MessageContext<TMessage> context) =>
        context.OneCallWrites as TWrites
        ?? throw new IdempotencyConfigurationException("A transactional handler runs only inside its consumer's one-call idempotency step.");

    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(MessageContext<TMessage> context, MessageHandlerDelegate<TMessage> next)
    {
        var invocation = MessageInvocation.From(context, _keyFromContext);

        var writes = _store.CreateWrites();
        context.OneCallWrites = writes;
        IdempotencyOutcome<object?> outcome;
        try
        {
            outcome = await _executor.ExecuteInOneCallAsync(
                invocation,
                (Context: context, Next: next, Writes: writes, Store: _store),
                static (call, _) =>
                {
                    call.State.Store.ResetWrites(call.State.Writes);
                    return call.State.Next(call.State.Context);
                },
                static (commit, state, ct) => state.Store.CommitAsync(commit, state.Writes, ct),
                context.CancellationToken).ConfigureAwait(false);
        }
        catch (IdempotencyException) when (context.IdempotencyKey is null)
        {
            context.IdempotencyKey = MessageInvocation.KeyForReport(_executor, invocation);
            throw;
        }
        finally
        {
            context.OneCallWrites = null;
        }

        context.IdempotencyKey = outcome.Key;
        context.Outcome = outcome.Kind;
        return outcome.Value;
    }
}
