namespace IdempotentConsumer.Hosting.Worker;

/// <summary>
/// One timer for every message of a consumer: each tick it starts the extensions that are due. A message that
/// finishes before its first extension costs a set insert and removal, not a timer of its own.
/// </summary>
internal sealed class HeartbeatScheduler : IAsyncDisposable
{
    private readonly HashSet<VisibilityHeartbeat> _heartbeats = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeProvider _timeProvider;
    private readonly Task _loop;

    /// <param name="tick">How often due extensions are looked for; the heartbeat's timing resolution.</param>
    /// <param name="timeProvider">The clock.</param>
    public HeartbeatScheduler(TimeSpan tick, TimeProvider timeProvider)
    {
        Tick = tick;
        _timeProvider = timeProvider;
        _loop = RunAsync(_stop.Token);
    }

    /// <summary>The timing resolution: an extension starts at most this long after it is due.</summary>
    public TimeSpan Tick { get; }

    /// <summary>The tick for a heartbeat interval: a quarter of it, between 20 ms and 1 s.</summary>
    public static TimeSpan TickFor(TimeSpan interval) =>
        TimeSpan.FromTicks(Math.Clamp(interval.Ticks / 4, TimeSpan.FromMilliseconds(20).Ticks, TimeSpan.FromSeconds(1).Ticks));

    public void Add(VisibilityHeartbeat heartbeat)
    {
        lock (_heartbeats)
        {
            _heartbeats.Add(heartbeat);
        }
    }

    public void Remove(VisibilityHeartbeat heartbeat)
    {
        lock (_heartbeats)
        {
            _heartbeats.Remove(heartbeat);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Tick, _timeProvider);
        var due = new List<VisibilityHeartbeat>();
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                var now = _timeProvider.GetUtcNow();
                lock (_heartbeats)
                {
                    foreach (var heartbeat in _heartbeats)
                    {
                        if (heartbeat.IsDue(now))
                        {
                            due.Add(heartbeat);
                        }
                    }
                }

                // Outside the lock: starting an extension must not block messages coming and going.
                foreach (var heartbeat in due)
                {
                    heartbeat.BeginExtension();
                }

                due.Clear();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disposed.
        }
    }
}
