using Npgsql;

namespace IdempotentConsumer.PostgreSql.Inbox;

/// <summary>
/// What a handler behind <c>UsePostgreSqlInbox</c> writes through: an open connection and the transaction in which
/// the message's COMPLETED record will be committed. Get it with <c>context.GetPostgreSqlInbox()</c>.
/// </summary>
/// <remarks>
/// Run every write that must happen exactly once on <see cref="Connection"/> inside <see cref="Transaction"/>
/// (<see cref="CreateCommand"/> does both). The handler must not commit, roll back or dispose the transaction, close
/// the connection, or use either after it returned; the inbox owns them.
/// </remarks>
public sealed class PostgreSqlInboxContext
{
    internal PostgreSqlInboxContext(NpgsqlConnection connection, NpgsqlTransaction transaction, string? idempotencyKey)
    {
        Connection = connection;
        Transaction = transaction;
        IdempotencyKey = idempotencyKey;
    }

    /// <summary>The open connection, from the store's data source (so the same database as the records).</summary>
    public NpgsqlConnection Connection { get; }

    /// <summary>The open transaction; the inbox commits it after the handler returned, together with the record.</summary>
    public NpgsqlTransaction Transaction { get; }

    /// <summary>The message's full idempotency key; null when the message runs without idempotency (no key).</summary>
    public string? IdempotencyKey { get; }

    /// <summary>A command on <see cref="Connection"/> enlisted in <see cref="Transaction"/>.</summary>
    /// <param name="commandText">The SQL.</param>
    public NpgsqlCommand CreateCommand(string commandText) => new(commandText, Connection, Transaction);
}
