using IdempotentConsumer.DynamoDB.Transactions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.DynamoDB;

// Lets a consumer's pipeline commit a transactional handler's writes with the record (HandleTransactionally<DynamoDbTransactWrites>).
public sealed partial class DynamoDbIdempotencyStore : IOneCallStore<DynamoDbTransactWrites>
{
    DynamoDbTransactWrites IOneCallStore<DynamoDbTransactWrites>.CreateWrites() => new();

    void IOneCallStore<DynamoDbTransactWrites>.ResetWrites(DynamoDbTransactWrites writes) => writes.Clear();

    ValueTask<BeginResult> IOneCallStore<DynamoDbTransactWrites>.CommitAsync(OneCallCommit commit, DynamoDbTransactWrites writes, CancellationToken cancellationToken) =>
        CommitAsync(commit, writes.Items, cancellationToken);
}
