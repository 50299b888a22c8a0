using System.Collections.Concurrent;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Reliability.Tests.Transport;

/// <summary>
/// The outermost store of a transport storm. A handler that "crashes" kills its owner token here: from then on
/// nothing that attempt does reaches the store (no completion, no release), as with a dead process, and its
/// record stays IN_PROGRESS until the lease lapses. It also notes which begins went out while the store was down,
/// so a handler running on one of them (fail-open) can be counted.
/// </summary>
internal sealed class StoreProbe(IIdempotencyStore inner, Func<bool> isOutage) : IIdempotencyStore
{
    private readonly ConcurrentDictionary<string, byte> _dead = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _begunDuringOutage = new(StringComparer.Ordinal);

    public void Kill(string ownerToken) => _dead.TryAdd(ownerToken, 0);

    public bool BegunDuringOutage(string ownerToken) => _begunDuringOutage.ContainsKey(ownerToken);

    public ValueTask<BeginResult> TryBeginAsync(BeginRequest request, CancellationToken cancellationToken = default)
    {
        if (isOutage())
        {
            _begunDuringOutage.TryAdd(request.OwnerToken, 0);
        }

        return inner.TryBeginAsync(request, cancellationToken);
    }

    public ValueTask CompleteAsync(CompleteRequest request, CancellationToken cancellationToken = default)
    {
        ThrowIfDead(request.OwnerToken);
        return inner.CompleteAsync(request, cancellationToken);
    }

    public ValueTask ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken = default)
    {
        ThrowIfDead(ownerToken);
        return inner.ReleaseAsync(key, ownerToken, cancellationToken);
    }

    public ValueTask ExtendLeaseAsync(ExtendLeaseRequest request, CancellationToken cancellationToken = default)
    {
        ThrowIfDead(request.OwnerToken);
        return inner.ExtendLeaseAsync(request, cancellationToken);
    }

    public ValueTask<IdempotencyRecord?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

    public ValueTask<IReadOnlyDictionary<string, IdempotencyRecord>> GetManyAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default) =>
        inner.GetManyAsync(keys, cancellationToken);

    private void ThrowIfDead(string ownerToken)
    {
        if (_dead.ContainsKey(ownerToken))
        {
            throw new SimulatedConsumerCrashException("The consumer that owned this attempt has crashed; nothing it does reaches the store.");
        }
    }
}

/// <summary>Thrown by a handler that simulates its process dying right after the side effect.</summary>
internal sealed class SimulatedConsumerCrashException(string message) : Exception(message);
