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

    /// <summary>Waits until at least one slot is free, then takes up to <paramref name="max"/> of them.</summary>
    /// <returns>How many slots were taken (at least one).</returns>
    public async ValueTask<int> AcquireAsync(int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        while (true)
        {
            Task released;
            lock (_lock)
            {
                if (_available > 0)
                {
                    var taken = Math.Min(max, _available);
                    _available -= taken;
                    return taken;
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
