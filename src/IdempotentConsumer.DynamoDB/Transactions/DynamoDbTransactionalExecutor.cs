using Amazon.DynamoDBv2;
using IdempotentConsumer.Execution;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.DynamoDB.Transactions;

/// <summary>
/// One-call idempotency for handlers whose side effects are DynamoDB writes: the handler runs first and adds its writes
/// to a <see cref="DynamoDbTransactWrites"/>; the record is then written COMPLETED together with them in one
/// <c>TransactWriteItems</c>, conditional on the record (absent, expired, or a lapsed lease). A new message costs one
/// request. A duplicate's transaction is cancelled on the record's condition and the duplicate is answered from the
/// record DynamoDB returns with the cancellation (its writes never land). See docs/dynamodb.md.
/// </summary>
/// <remarks>
/// The handler may not do anything outside the writes it adds before the commit (no HTTP call, no message sent, no
/// write of its own): it may run and then lose to a duplicate, or run again. Records written by this executor are
/// ordinary COMPLETED records: <see cref="Executor"/> (the usual two-call path) and this one deduplicate each other.
/// </remarks>
public sealed class DynamoDbTransactionalExecutor
{
    private readonly DynamoDbIdempotencyStore _store;

    /// <summary>Creates the executor on a client the caller owns.</summary>
    /// <param name="client">The DynamoDB client.</param>
    /// <param name="storeOptions">The idempotency table.</param>
    /// <param name="options">The idempotency options (key source, expiry, validation, …).</param>
    /// <param name="timeProvider">The clock. Default: the system clock.</param>
    /// <param name="logger">Logs key and commit problems.</param>
    /// <exception cref="Exceptions.IdempotencyConfigurationException">The options are invalid.</exception>
    public DynamoDbTransactionalExecutor(
        IAmazonDynamoDB client,
        DynamoDbIdempotencyStoreOptions storeOptions,
        IdempotencyOptions options,
        TimeProvider? timeProvider = null,
        ILogger<IdempotencyExecutor>? logger = null)
    {
        _store = new DynamoDbIdempotencyStore(client, storeOptions, timeProvider);
        Executor = new IdempotencyExecutor(_store, options, timeProvider, logger);
    }

    /// <summary>The usual (begin, run, complete) executor on the same table and options, for handlers with other side effects.</summary>
    public IdempotencyExecutor Executor { get; }

    /// <summary>The store both paths write to.</summary>
    public DynamoDbIdempotencyStore Store => _store;

    /// <summary>
    /// Runs <paramref name="handler"/> and commits its writes with the COMPLETED record in one request, or replays the
    /// record of an earlier run (from <see cref="IdempotencyInvocation{TPayload}.KnownRecord"/>, or from the cancelled
    /// commit). <see cref="IdempotencyInvocation{TPayload}.LeaseDuration"/> is not used: no record is held while the handler runs.
    /// </summary>
    /// <exception cref="Exceptions.IdempotencyAlreadyInProgressException">A two-call attempt holds the key's lease.</exception>
    /// <exception cref="Exceptions.IdempotencyValidationException">The payload does not match the completed record's hash.</exception>
    /// <exception cref="Exceptions.IdempotencyPersistenceException">The commit failed (sent twice, with the same client request token).</exception>
    /// <exception cref="Amazon.DynamoDBv2.Model.TransactionCanceledException">A condition of one of the handler's own writes failed: nothing was written.</exception>
    public ValueTask<IdempotencyOutcome<TResult>> ExecuteAsync<TPayload, TResult>(
        IdempotencyInvocation<TPayload> invocation,
        Func<TPayload, DynamoDbTransactWrites, CancellationToken, ValueTask<TResult>> handler,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var writes = new DynamoDbTransactWrites();
        return Executor.ExecuteInOneCallAsync(
            invocation,
            (Handler: handler, Writes: writes, Store: _store),
            static (call, ct) =>
            {
                call.State.Writes.Clear();
                return call.State.Handler(call.Payload, call.State.Writes, ct);
            },
            static (commit, state, ct) => state.Store.CommitAsync(commit, state.Writes.Items, ct),
            cancellationToken);
    }
}
