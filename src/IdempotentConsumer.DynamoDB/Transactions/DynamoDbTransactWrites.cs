using Amazon.DynamoDBv2.Model;

namespace IdempotentConsumer.DynamoDB.Transactions;

/// <summary>
/// The writes a transactional handler contributes: committed in the same <c>TransactWriteItems</c> as the idempotency
/// record, so they land exactly when the message is marked done. One instance per attempt, filled by the handler.
/// </summary>
public sealed class DynamoDbTransactWrites
{
    /// <summary>How many writes a handler may add: DynamoDB's 100 items per transaction, less the idempotency record.</summary>
    public const int MaxWrites = 99;

    private readonly List<TransactWriteItem> _writes = [];

    /// <summary>The writes added so far.</summary>
    public int Count => _writes.Count;

    /// <summary>Adds a write (Put, Update, Delete or ConditionCheck) to the commit. Nothing is sent until the handler returns.</summary>
    /// <exception cref="InvalidOperationException">The commit already holds <see cref="MaxWrites"/> writes.</exception>
    public DynamoDbTransactWrites Add(TransactWriteItem write)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (_writes.Count >= MaxWrites)
        {
            throw new InvalidOperationException($"A transactional handler may add at most {MaxWrites} writes: DynamoDB's TransactWriteItems takes 100 items, one of them the idempotency record.");
        }

        _writes.Add(write);
        return this;
    }

    internal IReadOnlyList<TransactWriteItem> Items => _writes;

    // A handler that runs again (its commit lost to a record that vanished) starts from an empty commit.
    internal void Clear() => _writes.Clear();
}
