using IdempotentConsumer.Exceptions;
using IdempotentConsumer.PostgreSql.Internal;
using IdempotentConsumer.Pipeline;
using Npgsql;

namespace IdempotentConsumer.PostgreSql.Inbox;

/// <summary>
/// The transactional inbox: runs the rest of the pipeline inside one PostgreSQL transaction and, before committing it,
/// marks the message's idempotency record COMPLETED in that transaction (owner-fenced). The handler's writes and the
/// record therefore commit together or not at all. Add it with <c>UsePostgreSqlInbox</c>; it sits inside idempotency
/// and retry, so each handler attempt gets a transaction of its own.
/// </summary>
/// <typeparam name="TMessage">The message type.</typeparam>
public sealed class PostgreSqlInboxMiddleware<TMessage> : IMessageMiddleware<TMessage>
{
    private readonly PostgreSqlIdempotencyStore _store;

    /// <summary>Creates the inbox over the consumer's idempotency store.</summary>
    /// <param name="store">The store the consumer keeps its records in: the record completed in the transaction is its row.</param>
    public PostgreSqlInboxMiddleware(PostgreSqlIdempotencyStore store) => _store = store ?? throw new ArgumentNullException(nameof(store));

    /// <inheritdoc />
    /// <exception cref="IdempotencyStaleOwnerException">The attempt lost its record before the commit; nothing was committed.</exception>
    /// <exception cref="IdempotencyPersistenceException">The connection or the commit failed.</exception>
    public async ValueTask<object?> InvokeAsync(MessageContext<TMessage> context, MessageHandlerDelegate<TMessage> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var lease = context.Lease;
        await using var connection = await OpenAsync(context.CancellationToken).ConfigureAwait(false);
        await using var transaction = await BeginAsync(connection, context.CancellationToken).ConfigureAwait(false);

        // Disposing the transaction without a commit rolls it back: a handler failure (or a crash, when the server sees
        // the connection drop) leaves neither the handler's writes nor the completion behind.
        var inbox = new PostgreSqlInboxContext(connection, transaction, lease?.Key ?? context.IdempotencyKey);
        object? result;
        PostgreSqlInboxes.Attach(context, inbox);
        try
        {
            result = await next(context).ConfigureAwait(false);
        }
        finally
        {
            PostgreSqlInboxes.Detach(context);
        }

        // From here the handler's work is done: the completion and the commit ignore the caller's token, so a
        // cancellation cannot leave the outcome of the commit unknown.
        if (lease is not null)
        {
            await _store.CompleteInTransactionAsync(connection, transaction, lease.Key, lease.OwnerToken, responseNotStored: result is not null, CancellationToken.None).ConfigureAwait(false);
        }

        try
        {
            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgreSqlErrors.IsStoreFailure(exception, CancellationToken.None))
        {
            // Whether it landed is unknown. The executor's release after this failure deletes only an in-progress record,
            // so a commit that did land keeps its COMPLETED record and the redelivery is answered from it.
            throw new IdempotencyPersistenceException(
                $"The inbox transaction of idempotency key '{lease?.Key ?? context.IdempotencyKey}' failed to commit: {exception.Message}", exception);
        }

        return result;
    }

    private async ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _store.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgreSqlErrors.IsStoreFailure(exception, cancellationToken))
        {
            throw new IdempotencyPersistenceException($"The inbox could not open a connection to PostgreSQL: {exception.Message}", exception);
        }
    }

    private static async ValueTask<NpgsqlTransaction> BeginAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            return await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (PostgreSqlErrors.IsStoreFailure(exception, cancellationToken))
        {
            throw new IdempotencyPersistenceException($"The inbox could not begin a PostgreSQL transaction: {exception.Message}", exception);
        }
    }
}
