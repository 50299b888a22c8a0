using System.Runtime.ExceptionServices;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Pipeline;

namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>
/// Sits just before idempotency. A record whose key another record of the same invocation is already running
/// takes that record's outcome: no store call, no handler run, and no "in progress elsewhere" failure that would
/// send a copy back to the queue. If the leader fails, its copies fail with the same error.
/// </summary>
/// <typeparam name="TMessage">The handler's message type.</typeparam>
internal sealed class InBatchDuplicateMiddleware<TMessage> : IMessageMiddleware<TMessage>
{
    private readonly IdempotencyExecutor _executor;
    private readonly Func<MessageContext<TMessage>, string?>? _keyFromContext;
    private readonly IdempotencyKeySource? _validation;

    public InBatchDuplicateMiddleware(IdempotencyExecutor executor, Func<MessageContext<TMessage>, string?>? keyFromContext)
    {
        _executor = executor;
        _keyFromContext = keyFromContext;

        // The executor's payload validation, read the same way: a same-key record whose validated part differs is
        // no copy (the store must answer it with a validation failure), so it only waits for the leader.
        var options = executor.Options;
        _validation = options.PayloadValidationSource
            ?? (options.PayloadValidationJmesPath is { Length: > 0 } path ? IdempotencyKeySource.FromJmesPath(path) : null);
    }

    public async ValueTask<object?> InvokeAsync(MessageContext<TMessage> context, MessageHandlerDelegate<TMessage> next)
    {
        if (_executor.IsDisabled
            || (context.Incoming.Transport as LambdaSqsTransportMessage)?.Duplicates is not { } duplicates
            || !TryGetKeys(context, out var key, out var validation))
        {
            return await next(context).ConfigureAwait(false);
        }

        context.IdempotencyKey = key;
        if (!duplicates.TryLead(key, validation, out var leader))
        {
            var outcome = await leader.Outcome.Task.WaitAsync(context.CancellationToken).ConfigureAwait(false);
            if (!string.Equals(validation, leader.Validation, StringComparison.Ordinal))
            {
                return await next(context).ConfigureAwait(false);
            }

            if (outcome.Error is IdempotencyResponseNotStoredException)
            {
                // The leader completed the key without a response: its copies are acknowledged like any later
                // duplicate, with nothing to replay.
                context.Outcome = IdempotencyOutcomeKind.CompletedWithoutResponse;
                return null;
            }

            if (outcome.Error is { } error)
            {
                ExceptionDispatchInfo.Throw(error);
            }

            // A copy took its leader's outcome without running: to the queue it is a duplicate answered.
            context.Outcome = IdempotencyOutcomeKind.Replayed;
            return outcome.Response;
        }

        try
        {
            var response = await next(context).ConfigureAwait(false);
            leader.Outcome.SetResult(new LeaderOutcome(response, null));
            return response;
        }
        catch (Exception ex)
        {
            leader.Outcome.SetResult(new LeaderOutcome(null, ex));
            throw;
        }
    }

    private static string? RawJson(MessageContext<TMessage> context) => typeof(TMessage) == typeof(string) ? null : context.RawBody;

    // The same invocation the idempotency middleware builds, so a copy's key is the key its leader ran under.
    private bool TryGetKeys(MessageContext<TMessage> context, out string key, out string? validation)
    {
        var invocation = new IdempotencyInvocation<TMessage>(context.Message)
        {
            RawJson = RawJson(context),
            KeyMaterial = _keyFromContext is null ? null : _keyFromContext(context) ?? string.Empty,
            Attributes = context.Attributes,
        };

        validation = null;
        try
        {
            if (!_executor.TryGetKey(invocation, out key))
            {
                return false;
            }

            validation = GetValidationMaterial(context);
            return true;
        }
        catch (IdempotencyException)
        {
            key = string.Empty;
            return false; // a missing or invalid key is the idempotency step's to report, record by record
        }
    }

    private string? GetValidationMaterial(MessageContext<TMessage> context)
    {
        if (_validation is null)
        {
            return null;
        }

        var payload = new IdempotencyPayload(context.Message, RawJson(context), _executor.Options.SerializerOptions);
        return _validation.TryGetKeyMaterial(payload, out var material) ? material : string.Empty;
    }
}
