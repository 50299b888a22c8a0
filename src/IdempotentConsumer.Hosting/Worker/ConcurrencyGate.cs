namespace IdempotentConsumer.Hosting.Worker;

/// <summary>
/// Counts free message slots. The poller takes slots before it receives (so it never receives while the bound is
/// full: backpressure) and each message gives its slot back when it is finished.
/// </summary>
internal sealed class ConcurrencyGate
{
    private readonly object _lock = new();
    private int _available;
    private TaskCompletionSource? _released;

    public ConcurrencyGate(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _available = capacity;
    }

    /// <summary>The bound.</summary>
    public int Capacity { get; }

    /// <summary>Free slots now.</summary>
    public int Available
    {
        get
        {
            lock (_lock)
            {
                return _available;
            }
        }
    }

    /// <summary>
    /// Waits until at least one slot is free, then takes up to <paramref name="max"/> of them. When fewer than
    /// <paramref name="max"/> are free while others are still busy, it first waits up to <paramref name="fillWindow"/>
    /// for more to come free, so a stream of quick messages is received in full batches rather than one by one.
    /// </summary>
    /// <returns>How many slots were taken (at least one).</returns>
    public async ValueTask<int> AcquireAsync(int max, TimeSpan fillWindow, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var wanted = Math.Min(max, Capacity);
        while (true)
        {
            await WaitUntilFreeAsync(1, cancellationToken).ConfigureAwait(false);
            if (fillWindow > TimeSpan.Zero && Available < wanted)
            {
                using var windowEnds = new CancellationTokenSource(fillWindow, timeProvider);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, windowEnds.Token);
                try
                {
                    await WaitUntilFreeAsync(wanted, linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The window closed: receive for the slots that are free now.
                }
            }

            lock (_lock)
            {
                if (_available > 0)
                {
                    var taken = Math.Min(max, _available);
                    _available -= taken;
                    return taken;
                }
            }
        }
    }

    private async ValueTask WaitUntilFreeAsync(int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task released;
            lock (_lock)
            {
                if (_available >= count)
                {
                    return;
                }

                _released ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                released = _released.Task;
            }

            await released.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Gives <paramref name="count"/> slots back and wakes the waiter.</summary>
    public void Release(int count)
    {
        if (count <= 0)
        {
            return;
        }

        TaskCompletionSource? released;
        lock (_lock)
        {
            _available += count;
            if (_available > Capacity)
            {
                throw new InvalidOperationException("More message slots were released than taken.");
            }

            released = _released;
            _released = null;
        }

        released?.TrySetResult();
    }
}
