using System.Runtime.CompilerServices;
using IdempotentConsumer.PostgreSql.Inbox;

namespace IdempotentConsumer.PostgreSql.Internal;

/// <summary>Which message contexts are inside an inbox transaction right now (weakly held: a context never leaks).</summary>
internal static class PostgreSqlInboxes
{
    private static readonly ConditionalWeakTable<object, PostgreSqlInboxContext> Open = new();

    public static void Attach(object messageContext, PostgreSqlInboxContext inbox) => Open.AddOrUpdate(messageContext, inbox);

    public static void Detach(object messageContext) => Open.Remove(messageContext);

    public static PostgreSqlInboxContext? Find(object messageContext) => Open.TryGetValue(messageContext, out var inbox) ? inbox : null;
}
