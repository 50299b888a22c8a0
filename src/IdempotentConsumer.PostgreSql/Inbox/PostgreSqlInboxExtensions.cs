using IdempotentConsumer.Consumers;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.PostgreSql.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace IdempotentConsumer.PostgreSql.Inbox;

/// <summary>Adds the transactional inbox to a consumer, and hands its transaction to the handler.</summary>
public static class PostgreSqlInboxExtensions
{
    /// <summary>
    /// Runs the handler inside a PostgreSQL transaction in which the message's COMPLETED record commits too, using the
    /// <see cref="PostgreSqlIdempotencyStore"/> registered in services (<c>AddPostgreSqlIdempotencyStore</c>). The
    /// consumer must keep its records in that same store. The handler reads the transaction with
    /// <see cref="GetPostgreSqlInbox{TMessage}"/>.
    /// </summary>
    /// <param name="builder">The consumer builder.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TSelf UsePostgreSqlInbox<TMessage, TSelf>(this ConsumerBuilder<TMessage, TSelf> builder)
        where TSelf : ConsumerBuilder<TMessage, TSelf>
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(static services => new PostgreSqlInboxMiddleware<TMessage>(services.GetRequiredService<PostgreSqlIdempotencyStore>()));
    }

    /// <summary>
    /// Runs the handler inside a PostgreSQL transaction in which the message's COMPLETED record commits too.
    /// <paramref name="store"/> must be the consumer's idempotency store (give it to <c>WithStore</c> as well).
    /// </summary>
    /// <param name="builder">The consumer builder.</param>
    /// <param name="store">The consumer's idempotency store.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TSelf UsePostgreSqlInbox<TMessage, TSelf>(this ConsumerBuilder<TMessage, TSelf> builder, PostgreSqlIdempotencyStore store)
        where TSelf : ConsumerBuilder<TMessage, TSelf>
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(new PostgreSqlInboxMiddleware<TMessage>(store));
    }

    /// <summary>Adds the transactional inbox to a hand-built pipeline (after <c>UseIdempotency</c> with the same store).</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="store">The pipeline's idempotency store.</param>
    /// <returns>The builder, for chaining.</returns>
    public static MessagePipelineBuilder<TMessage> UsePostgreSqlInbox<TMessage>(this MessagePipelineBuilder<TMessage> builder, PostgreSqlIdempotencyStore store)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(new PostgreSqlInboxMiddleware<TMessage>(store));
    }

    /// <summary>The open connection and transaction of the inbox this handler runs in.</summary>
    /// <param name="context">The handler's message context.</param>
    /// <returns>The inbox context.</returns>
    /// <exception cref="InvalidOperationException">The handler does not run behind <c>UsePostgreSqlInbox</c> (or the call came after the handler returned).</exception>
    public static PostgreSqlInboxContext GetPostgreSqlInbox<TMessage>(this MessageContext<TMessage> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return PostgreSqlInboxes.Find(context)
            ?? throw new InvalidOperationException("This handler does not run inside a PostgreSQL inbox transaction: add UsePostgreSqlInbox() to the consumer.");
    }
}
