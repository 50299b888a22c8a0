using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Testing.Storm.Internal;

/// <summary>
/// The store as one consumer process reaches it: dead once the process crashed (so the executor's release after a
/// crash never lands and the record stays IN_PROGRESS), unreachable while the process is partitioned, the planned
/// crash-before-completion just before the completion write; and it notes what the begin or a batch pre-check met
/// (an outage, a completed record to replay) for the storm's counts.
/// </summary>
internal sealed class StormProcessStore(IIdempotencyStore inner, StormProcess process, IStormObserver observer) : IIdempotencyStore
{
    public async ValueTask<BeginResult> TryBeginAsync(BeginRequest request, CancellationToken cancellationToken = default)
    {
        process.ThrowIfDead();
        var attempt = process.Current;
        if (attempt is not null)
        {
            attempt.BeganDuringOutage = observer.IsOutage;
        }

        var result = await inner.TryBeginAsync(request, cancellationToken).ConfigureAwait(false);
        if (attempt is not null && !result.Acquired && result.Existing is { Status: IdempotencyRecordStatus.Completed } completed)
        {
            attempt.MetCompletedRecord = true;
            attempt.CompletedResponse = completed.ResponseData;
        }

        return result;
    }

    public ValueTask CompleteAsync(CompleteRequest request, CancellationToken cancellationToken = default)
    {
        process.ThrowIfDead();
        if (process.Current is { CrashBeforeCompletion: true })
        {
            observer.OnCrash(StormCrashPoint.BeforeCompletion);
            throw process.Crash(StormCrashPoint.BeforeCompletion);
        }

        return inner.CompleteAsync(request, cancellationToken);
    }

    public ValueTask ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken = default)
    {
        process.ThrowIfDead();
        return inner.ReleaseAsync(key, ownerToken, cancellationToken);
    }

    public async ValueTask ExtendLeaseAsync(ExtendLeaseRequest request, CancellationToken cancellationToken = default)
    {
        process.ThrowIfDead();
        process.ThrowIfPartitioned();
        await inner.ExtendLeaseAsync(request, cancellationToken).ConfigureAwait(false);
        observer.OnLeaseExtended();
    }

    public ValueTask<IdempotencyRecord?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        process.ThrowIfDead();
        return inner.GetAsync(key, cancellationToken);
    }

    public async ValueTask<IReadOnlyDictionary<string, IdempotencyRecord>> GetManyAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        process.ThrowIfDead();
        var records = await inner.GetManyAsync(keys, cancellationToken).ConfigureAwait(false);

        // A batch pre-check: a process holds one message at a time, so a completed record read here is the one its
        // executor replays without a begin.
        if (process.Current is { } attempt && records.Values.FirstOrDefault(r => r.Status == IdempotencyRecordStatus.Completed) is { } completed)
        {
            attempt.MetCompletedRecord = true;
            attempt.CompletedResponse = completed.ResponseData;
        }

        return records;
    }
}
