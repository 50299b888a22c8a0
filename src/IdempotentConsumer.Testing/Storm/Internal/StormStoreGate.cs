using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Testing.Storm.Internal;

/// <summary>
/// The outermost store wrapper of a storm: a crashed attempt can no longer reach the store (so the executor's
/// release after the crash never happens and the record stays IN_PROGRESS, as after a real crash), and a
/// planned crash-before-completion strikes just before the completion write. It also notes whether an
/// attempt's begin went out while the store was down, so the storm can tell a fail-open executor.
/// </summary>
internal sealed class StormStoreGate(IIdempotencyStore inner, Func<bool> isOutage) : IIdempotencyStore
{
    public ValueTask<BeginResult> TryBeginAsync(BeginRequest request, CancellationToken cancellationToken = default)
    {
        ThrowIfCrashed();
        if (StormAttempt.Current is { } attempt)
        {
            attempt.BeganDuringOutage = isOutage();
        }

        return inner.TryBeginAsync(request, cancellationToken);
    }

    public ValueTask CompleteAsync(CompleteRequest request, CancellationToken cancellationToken = default)
    {
        ThrowIfCrashed();
        if (StormAttempt.Current is { CrashBeforeCompletion: true } attempt)
        {
            throw attempt.Crash(StormCrashPoint.BeforeCompletion);
        }

        return inner.CompleteAsync(request, cancellationToken);
    }

    public ValueTask ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken = default)
    {
        ThrowIfCrashed();
        return inner.ReleaseAsync(key, ownerToken, cancellationToken);
    }

    public ValueTask ExtendLeaseAsync(ExtendLeaseRequest request, CancellationToken cancellationToken = default)
    {
        ThrowIfCrashed();
        return inner.ExtendLeaseAsync(request, cancellationToken);
    }

    public ValueTask<IdempotencyRecord?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ThrowIfCrashed();
        return inner.GetAsync(key, cancellationToken);
    }

    public ValueTask<IReadOnlyDictionary<string, IdempotencyRecord>> GetManyAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        ThrowIfCrashed();
        return inner.GetManyAsync(keys, cancellationToken);
    }

    private static void ThrowIfCrashed()
    {
        if (StormAttempt.Current is { Crashed: true, CrashedAt: { } point })
        {
            throw new SimulatedCrashException(point);
        }
    }
}
