using System.Collections.Concurrent;

namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>
/// One invocation's registry of idempotency keys already running: the first record with a key leads, later
/// records with the same key (producer retries, SQS duplicates in one batch) wait for the leader's outcome
/// instead of racing it to the store.
/// </summary>
internal sealed class InBatchDuplicates
{
    private readonly ConcurrentDictionary<string, InBatchLeader> _leaders = new(StringComparer.Ordinal);

    /// <summary>Takes the lead for <paramref name="key"/>, or returns the record that already leads it.</summary>
    /// <returns>True when the caller leads and must complete <paramref name="leader"/>.</returns>
    public bool TryLead(string key, string? validation, out InBatchLeader leader)
    {
        var mine = new InBatchLeader(validation);
        leader = _leaders.GetOrAdd(key, mine);
        return ReferenceEquals(leader, mine);
    }
}

/// <summary>The record running a key: its payload-validation material and, once done, its outcome.</summary>
internal sealed class InBatchLeader(string? validation)
{
    public string? Validation { get; } = validation;

    public TaskCompletionSource<LeaderOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>How the leading record of a key ended: its response, or the error its copies fail with.</summary>
internal sealed record LeaderOutcome(object? Response, Exception? Error);
