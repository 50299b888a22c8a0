namespace IdempotentConsumer.Execution;

/// <summary>
/// One duplicate's bounded wait for an in-progress original (<see cref="IdempotencyOptions.InProgressWaitTimeout"/>):
/// when it must give up, and when to poll next (a doubling delay, capped).
/// </summary>
internal sealed class InProgressWait
{
    private readonly TimeSpan _maxDelay;
    private TimeSpan _nextDelay;

    public InProgressWait(DateTimeOffset startedAt, DateTimeOffset deadline, TimeSpan firstDelay, TimeSpan maxDelay)
    {
        StartedAt = startedAt;
        Deadline = deadline;
        _nextDelay = firstDelay;
        _maxDelay = maxDelay;
    }

    public DateTimeOffset StartedAt { get; }

    /// <summary>The wait's end: its timeout or the waiter's own lease end, whichever comes first.</summary>
    public DateTimeOffset Deadline { get; }

    public int Polls { get; private set; }

    /// <summary>
    /// When to read the record next: after the backoff delay, but no later than the blocking lease's end (the key can be
    /// taken over from then on, so waking later only wastes the waiter's lease) and no later than the deadline.
    /// </summary>
    public DateTimeOffset NextPollAt(DateTimeOffset now, DateTimeOffset? blockingLeaseEnd)
    {
        Polls++;
        var at = now + _nextDelay;
        var doubled = _nextDelay * 2;
        _nextDelay = doubled < _maxDelay ? doubled : _maxDelay;
        if (blockingLeaseEnd is { } leaseEnd && leaseEnd < at)
        {
            at = leaseEnd;
        }

        if (at > Deadline)
        {
            at = Deadline;
        }

        // The blocking lease may have lapsed since it was read (or the deadline passed meanwhile): poll at once, never
        // hand a negative delay to the timer.
        return at > now ? at : now;
    }
}
