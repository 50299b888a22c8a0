using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;

namespace OrderShipping.Demo.Consumers;

/// <summary>
/// One consumer process's connection to the shared store. When the process "dies" every later call
/// fails, so the executor cannot release the record as it would after an ordinary exception: the
/// record stays IN_PROGRESS until its lease lapses, exactly as after a real crash.
/// </summary>
internal sealed class ProcessBoundStore(IIdempotencyStore inner) : IIdempotencyStore
{
    private volatile bool _dead;

    public void Kill() => _dead = true;

    public ValueTask<BeginResult> TryBeginAsync(BeginRequest request, CancellationToken cancellationToken = default)
    {
        ThrowIfDead();
        return inner.TryBeginAsync(request, cancellationToken);
    }

    public ValueTask CompleteAsync(CompleteRequest request, CancellationToken cancellationToken = default)
    {
        ThrowIfDead();
        return inner.CompleteAsync(request, cancellationToken);
    }

    public ValueTask ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken = default)
    {
        ThrowIfDead();
        return inner.ReleaseAsync(key, ownerToken, cancellationToken);
    }

    public ValueTask ExtendLeaseAsync(ExtendLeaseRequest request, CancellationToken cancellationToken = default)
    {
        ThrowIfDead();
        return inner.ExtendLeaseAsync(request, cancellationToken);
    }

    public ValueTask<IdempotencyRecord?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ThrowIfDead();
        return inner.GetAsync(key, cancellationToken);
    }

    public ValueTask<IReadOnlyDictionary<string, IdempotencyRecord>> GetManyAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        ThrowIfDead();
        return inner.GetManyAsync(keys, cancellationToken);
    }

    private void ThrowIfDead()
    {
        if (_dead)
        {
            throw new ConsumerCrashedException("The consumer process is dead.");
        }
    }
}
