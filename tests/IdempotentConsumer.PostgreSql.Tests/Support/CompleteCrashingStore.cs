using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.PostgreSql.Tests.Support;

/// <summary>The process "dies" when the executor writes its completion: everything before it (the inbox commit) has happened.</summary>
internal sealed class CompleteCrashingStore(IIdempotencyStore inner) : IIdempotencyStore
{
    public int CompletesRefused { get; private set; }

    public ValueTask<BeginResult> TryBeginAsync(BeginRequest request, CancellationToken cancellationToken = default) => inner.TryBeginAsync(request, cancellationToken);

    public ValueTask CompleteAsync(CompleteRequest request, CancellationToken cancellationToken = default)
    {
        CompletesRefused++;
        throw new IOException("simulated crash before the executor's completion");
    }

    public ValueTask ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken = default) => inner.ReleaseAsync(key, ownerToken, cancellationToken);

    public ValueTask ExtendLeaseAsync(ExtendLeaseRequest request, CancellationToken cancellationToken = default) => inner.ExtendLeaseAsync(request, cancellationToken);

    public ValueTask<IdempotencyRecord?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

    public ValueTask<IReadOnlyDictionary<string, IdempotencyRecord>> GetManyAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default) =>
        inner.GetManyAsync(keys, cancellationToken);
}
