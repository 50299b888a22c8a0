using System.Collections.Concurrent;

namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>
/// One invocation's registry of idempotency keys already running: the first record with a key leads, later
/// records with the same key (producer retries, SQS duplicates in one batch) wait for the leader's outcome
/// instead of racing it to the store.
/// </summary>
internal sealed class InBatchDuplicates
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<LeaderOutcome>> _leaders = new(StringComparer.Ordinal);

    /// <summary>Takes the lead for <paramref name="key"/>, or returns the leader's pending outcome.</summary>
    /// <returns>True when the caller leads and must complete <paramref name="slot"/>.</returns>
    public bool TryLead(string key, out TaskCompletionSource<LeaderOutcome> slot)
    {
        var mine = new TaskCompletionSource<LeaderOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        slot = _leaders.GetOrAdd(key, mine);
        return ReferenceEquals(slot, mine);
    }
}

/// <summary>How the leading record of a key ended: its response, or the error its copies fail with.</summary>
internal sealed record LeaderOutcome(object? Response, Exception? Error);
