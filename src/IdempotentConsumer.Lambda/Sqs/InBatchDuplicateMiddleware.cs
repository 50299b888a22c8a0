using System.Runtime.ExceptionServices;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Pipeline;

namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>
/// Sits just before idempotency. A record whose key another record of the same invocation is already running
/// takes that record's outcome: no store call, no handler run, and no "in progress elsewhere" failure that would
/// send a copy back to the queue. If the leader fails, its copies fail with the same error.
/// </summary>
/// <typeparam name="TMessage">The handler's message type.</typeparam>
internal sealed class InBatchDuplicateMiddleware<TMessage>(
    IdempotencyExecutor executor,
    Func<MessageContext<TMessage>, string?>? keyFromContext) : IMessageMiddleware<TMessage>
{
    internal const string RegistryItem = "IdempotentConsumer.Lambda.InBatchDuplicates";
    internal const string KeyItem = "IdempotentConsumer.Lambda.InBatchKey";
    internal const string CopyItem = "IdempotentConsumer.Lambda.InBatchCopy";

    public async ValueTask<object?> InvokeAsync(MessageContext<TMessage> context, MessageHandlerDelegate<TMessage> next)
    {
        if (executor.IsDisabled
            || !context.Items.TryGetValue(RegistryItem, out var registry)
            || registry is not InBatchDuplicates duplicates
            || TryGetKey(context) is not { } key)
        {
            return await next(context).ConfigureAwait(false);
        }

        context.Items[KeyItem] = key;
        if (!duplicates.TryLead(key, out var slot))
        {
            context.Items[CopyItem] = true;
            var outcome = await slot.Task.WaitAsync(context.CancellationToken).ConfigureAwait(false);

            // A leader whose response could not be stored still completed the key: its copies are acknowledged
            // like any later duplicate, with nothing to replay.
            if (outcome.Error is IdempotencyResponseNotStoredException)
            {
                return null;
            }

            if (outcome.Error is { } error)
            {
                ExceptionDispatchInfo.Throw(error);
            }

            return outcome.Response;
        }

        try
        {
            var response = await next(context).ConfigureAwait(false);
            slot.SetResult(new LeaderOutcome(response, null));
            return response;
        }
        catch (Exception ex)
        {
            slot.SetResult(new LeaderOutcome(null, ex));
            throw;
        }
    }

    // The same invocation the idempotency middleware builds, so a copy's key is the key its leader ran under.
    private string? TryGetKey(MessageContext<TMessage> context)
    {
        var invocation = new IdempotencyInvocation<TMessage>(context.Message)
        {
            RawJson = typeof(TMessage) == typeof(string) ? null : context.RawBody,
            KeyMaterial = keyFromContext is null ? null : keyFromContext(context) ?? string.Empty,
        };

        try
        {
            return executor.TryGetKey(invocation, out var key) ? key : null;
        }
        catch (IdempotencyException)
        {
            return null; // a missing or invalid key is the idempotency step's to report, record by record
        }
    }
}
