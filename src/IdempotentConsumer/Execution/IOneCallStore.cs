namespace IdempotentConsumer.Execution;

/// <summary>
/// A store that can write a COMPLETED record together with a handler's own writes in one conditional call (the
/// one-call mode of <see cref="IdempotencyExecutor"/>). <typeparamref name="TWrites"/> is the store's own collection of
/// writes (e.g. DynamoDB's TransactWriteItems), filled by the handler before the commit.
/// </summary>
/// <typeparam name="TWrites">The writes the handler collects.</typeparam>
internal interface IOneCallStore<TWrites>
    where TWrites : class
{
    /// <summary>An empty collection for one message.</summary>
    TWrites CreateWrites();

    /// <summary>Empties <paramref name="writes"/> before the handler runs (again).</summary>
    void ResetWrites(TWrites writes);

    /// <summary>Writes the record and <paramref name="writes"/> in one call: won, or lost with the blocking record.</summary>
    ValueTask<Stores.BeginResult> CommitAsync(OneCallCommit commit, TWrites writes, CancellationToken cancellationToken);
}
