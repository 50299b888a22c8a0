using System.Diagnostics;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Records;
using IdempotentConsumer.Telemetry;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Execution;

/// <summary>Waiting for an in-progress original (<see cref="IdempotencyOptions.InProgressWaitTimeout"/>) instead of failing at once.</summary>
public sealed partial class IdempotencyExecutor
{
    private enum WaitEnd
    {
        /// <summary>The original completed: replay it.</summary>
        Completed,

        /// <summary>The record was released, expired or its lease lapsed: the begin decides who takes the key.</summary>
        Vacated,

        /// <summary>The deadline passed with the original still in progress.</summary>
        TimedOut,
    }

    /// <summary>Starts a wait, or returns null when waiting is off or the waiter's own lease leaves no time for it.</summary>
    private InProgressWait? StartWait(DateTimeOffset now, DateTimeOffset ownLeaseEnd)
    {
        if (Options.InProgressWaitTimeout <= TimeSpan.Zero)
        {
            return null;
        }

        // It gives up one poll delay before its own lease ends: an adapter that cancels work at that lease end (Lambda's
        // deadline) then still gets the in-progress answer, which hides the message until the original's lease ends,
        // instead of a cancellation.
        var timeoutAt = now + Options.InProgressWaitTimeout;
        var leaseBound = ownLeaseEnd - Options.InProgressWaitPollDelay;
        var deadline = timeoutAt < leaseBound ? timeoutAt : leaseBound;
        return deadline > now ? new InProgressWait(now, deadline, Options.InProgressWaitPollDelay, Options.InProgressWaitMaxPollDelay) : null;
    }

    // Polls the store (no store here offers a change notification) until the blocking record completes, is vacated, or
    // the wait's deadline passes. Returns how it ended and the last record seen.
    private async ValueTask<(WaitEnd End, IdempotencyRecord Last)> WaitForOriginalAsync(
        string key, IdempotencyRecord blocking, InProgressWait wait, CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = _timeProvider.GetUtcNow();
            if (now >= wait.Deadline)
            {
                return (WaitEnd.TimedOut, blocking);
            }

            var pollAt = wait.NextPollAt(now, blocking.InProgressExpiresAt);
            await Task.Delay(pollAt - now, _timeProvider, cancellationToken).ConfigureAwait(false);
            var record = await StoreCalls.GetAsync(_store, key, cancellationToken).ConfigureAwait(false);
            now = _timeProvider.GetUtcNow();
            if (record is null || record.IsExpired(now) || record.IsLeaseExpired(now))
            {
                return (WaitEnd.Vacated, blocking);
            }

            if (record.Status == IdempotencyRecordStatus.Completed)
            {
                return (WaitEnd.Completed, record);
            }

            if (record.Status != IdempotencyRecordStatus.InProgress)
            {
                throw new IdempotencyCorruptRecordException($"Idempotency key '{key}': the store returned a record with unknown status {(int)record.Status}.");
            }

            blocking = record;
        }
    }

    private void EndWait(InProgressWait wait, string key, string outcome, Activity? activity)
    {
        var waited = _timeProvider.GetUtcNow() - wait.StartedAt;
        IdempotencyTelemetry.InProgressWaits.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        activity?.AddEvent(new ActivityEvent("idempotency.in_progress_wait", tags: new ActivityTagsCollection
        {
            ["outcome"] = outcome,
            ["waited_ms"] = waited.TotalMilliseconds,
            ["polls"] = wait.Polls,
        }));
        LogWaitEnded(_logger, key, waited.TotalMilliseconds, wait.Polls, outcome);
    }

    private static IdempotencyAlreadyInProgressException InProgressElsewhere(string key, IdempotencyRecord existing, Activity? activity)
    {
        IdempotencyTelemetry.InProgressRejections.Add(1);
        activity?.SetTag("idempotency.outcome", "in_progress");
        return new IdempotencyAlreadyInProgressException(
            $"Idempotency key '{key}' is already in progress (lease until {existing.InProgressExpiresAt:O}); try again later.",
            existing.InProgressExpiresAt);
    }

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Idempotency key {Key}: waited {WaitedMs} ms ({Polls} polls) for the in-progress original; {Outcome}.")]
    private static partial void LogWaitEnded(ILogger logger, string key, double waitedMs, int polls, string outcome);
}
