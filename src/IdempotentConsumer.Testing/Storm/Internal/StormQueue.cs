using System.Threading.Channels;

namespace IdempotentConsumer.Testing.Storm.Internal;

/// <summary>
/// A small at-least-once queue with SQS's visibility semantics: a received message is hidden for the
/// visibility timeout and comes back unless deleted; a failed one can be made visible again after a delay;
/// after too many receives it is dead-lettered. Kept inside the kit so it depends on nothing but the core.
/// </summary>
internal sealed class StormQueue
{
    private static readonly TimeSpan TimerResolution = TimeSpan.FromMilliseconds(5);

    private readonly Channel<QueuedMessage> _visible = Channel.CreateUnbounded<QueuedMessage>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly PriorityQueue<Timer, long> _timers = new();
    private readonly Lock _timerLock = new();
    private readonly TimeSpan _visibilityTimeout;
    private readonly int _maxReceiveCount;
    private readonly TimeProvider _timeProvider;
    private int _outstanding;
    private int _deadLettered;
    private int _visibilityExpiries;
    private int _deletes;

    public StormQueue(TimeSpan visibilityTimeout, int maxReceiveCount, TimeProvider timeProvider)
    {
        _visibilityTimeout = visibilityTimeout;
        _maxReceiveCount = maxReceiveCount;
        _timeProvider = timeProvider;
    }

    /// <summary>Messages neither deleted nor dead-lettered (visible, in flight or waiting out a delay).</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);

    /// <summary>Messages that exceeded the receive limit.</summary>
    public int DeadLettered => Volatile.Read(ref _deadLettered);

    /// <summary>Receives that ended by the visibility timeout rather than a delete or a release.</summary>
    public int VisibilityExpiries => Volatile.Read(ref _visibilityExpiries);

    /// <summary>Successful deletes.</summary>
    public int Deletes => Volatile.Read(ref _deletes);

    public void Send(StormEnvelope envelope)
    {
        Interlocked.Increment(ref _outstanding);
        _visible.Writer.TryWrite(new QueuedMessage(envelope));
    }

    public async ValueTask<StormDelivery> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await _visible.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            StormDelivery? delivery = null;
            lock (message.Sync)
            {
                if (message.Done)
                {
                    continue;
                }

                message.ReceiveCount++;
                if (message.ReceiveCount > _maxReceiveCount)
                {
                    message.Done = true;
                    Interlocked.Increment(ref _deadLettered);
                    Interlocked.Decrement(ref _outstanding);
                }
                else
                {
                    message.Receipt++;
                    delivery = new StormDelivery(message, message.Receipt, message.ReceiveCount);
                }
            }

            if (delivery is not null)
            {
                Schedule(new Timer(message, delivery.Receipt, TimerKind.VisibilityExpiry), _visibilityTimeout);
                return delivery;
            }
        }
    }

    /// <summary>Deletes the message if <paramref name="delivery"/> is its newest receive; a stale receipt is ignored, as the message is already back on the queue.</summary>
    public bool Delete(StormDelivery delivery)
    {
        var message = delivery.Message;
        lock (message.Sync)
        {
            if (message.Done || message.Receipt != delivery.Receipt)
            {
                return false;
            }

            message.Done = true;
        }

        Interlocked.Increment(ref _deletes);
        Interlocked.Decrement(ref _outstanding);
        return true;
    }

    /// <summary>Makes the message visible again after <paramref name="delay"/> (SQS <c>ChangeMessageVisibility</c>), if the receipt is still current.</summary>
    public void Release(StormDelivery delivery, TimeSpan delay)
    {
        var message = delivery.Message;
        long receipt;
        lock (message.Sync)
        {
            if (message.Done || message.Receipt != delivery.Receipt)
            {
                return;
            }

            receipt = ++message.Receipt;
        }

        if (delay <= TimeSpan.Zero)
        {
            _visible.Writer.TryWrite(message);
            return;
        }

        Schedule(new Timer(message, receipt, TimerKind.DelayedRelease), delay);
    }

    /// <summary>Moves due messages back to the visible list until cancelled.</summary>
    public async Task RunTimersAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimerResolution, _timeProvider, cancellationToken).ConfigureAwait(false);
                FireDueTimers();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run is over.
        }
    }

    private void FireDueTimers()
    {
        var now = _timeProvider.GetTimestamp();
        while (true)
        {
            Timer timer;
            lock (_timerLock)
            {
                if (!_timers.TryPeek(out timer!, out var due) || due > now)
                {
                    return;
                }

                _timers.Dequeue();
            }

            var message = timer.Message;
            lock (message.Sync)
            {
                if (message.Done || message.Receipt != timer.Receipt)
                {
                    continue;
                }

                if (timer.Kind == TimerKind.VisibilityExpiry)
                {
                    // The receive that hid it is now stale: its delete or release must not touch the next one.
                    message.Receipt++;
                    Interlocked.Increment(ref _visibilityExpiries);
                }
            }

            _visible.Writer.TryWrite(message);
        }
    }

    private void Schedule(Timer timer, TimeSpan delay)
    {
        var due = _timeProvider.GetTimestamp() + (long)(delay.TotalSeconds * _timeProvider.TimestampFrequency);
        lock (_timerLock)
        {
            _timers.Enqueue(timer, due);
        }
    }

    private enum TimerKind
    {
        VisibilityExpiry,
        DelayedRelease,
    }

    private sealed record Timer(QueuedMessage Message, long Receipt, TimerKind Kind);

    /// <summary>A message on the queue and its receive state; guarded by <see cref="Sync"/>.</summary>
    internal sealed class QueuedMessage(StormEnvelope envelope)
    {
        public Lock Sync { get; } = new();

        public StormEnvelope Envelope { get; } = envelope;

        public int ReceiveCount { get; set; }

        public long Receipt { get; set; }

        public bool Done { get; set; }
    }
}
