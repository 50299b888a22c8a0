using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;

namespace IdempotentConsumer.Pipeline;

/// <summary>What both idempotency steps (two-call and one-call) take from a message's context, and give back to it.</summary>
internal static class MessageInvocation
{
    /// <summary>The executor's invocation for the message in <paramref name="context"/>.</summary>
    /// <param name="context">The message's context.</param>
    /// <param name="keyFromContext">Key material taken from the delivery instead of the payload; null or empty means "no key".</param>
    public static IdempotencyInvocation<TMessage> From<TMessage>(MessageContext<TMessage> context, Func<MessageContext<TMessage>, string?>? keyFromContext) =>
        new(context.Message)
        {
            RawJson = typeof(TMessage) == typeof(string) ? null : context.RawBody,
            LeaseDuration = context.LeaseDuration,
            KeyMaterial = keyFromContext is null ? null : keyFromContext(context) ?? string.Empty,
            Attributes = context.Attributes,
            KnownRecord = context.PrecheckedRecord,
        };

    /// <summary>
    /// The key to name in the log line and result of a message rejected before its handler ran (in progress elsewhere,
    /// validation, store down), so they name the record that blocked it; null when the key itself is what failed.
    /// </summary>
    public static string? KeyForReport<TMessage>(IdempotencyExecutor executor, in IdempotencyInvocation<TMessage> invocation)
    {
        try
        {
            return executor.TryGetKey(invocation, out var key) ? key : null;
        }
        catch (IdempotencyException)
        {
            return null;
        }
    }
}
