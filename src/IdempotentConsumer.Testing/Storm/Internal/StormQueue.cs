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
    private readonly Action<StormEnvelope> _onDeadLetter;
    private int _outstanding;
    private int _deadLettered;
    private int _visibilityExpiries;
    private int _deletes;

    public StormQueue(TimeSpan visibilityTimeout, int maxReceiveCount, TimeProvider timeProvider, Action<StormEnvelope> onDeadLetter)
    {
        _visibilityTimeout = visibilityTimeout;
        _maxReceiveCount = maxReceiveCount;
        _timeProvider = timeProvider;
        _onDeadLetter = onDeadLetter;
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
            var deadLettered = false;
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
                    deadLettered = true;
                }
                else
                {
                    message.Receipt++;
                    message.VisibilityGeneration = 0;
                    delivery = new StormDelivery(message, message.Receipt, message.ReceiveCount);
                }
            }

            if (deadLettered)
            {
                // Counted before the outstanding count drops, so the run never ends between the two.
                _onDeadLetter(message.Envelope);
                Interlocked.Increment(ref _deadLettered);
                Interlocked.Decrement(ref _outstanding);
            }

            if (delivery is not null)
            {
                Schedule(new Timer(message, delivery.Receipt, TimerKind.VisibilityExpiry, 0), _visibilityTimeout);
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

    /// <summary>
    /// Keeps the message hidden for <paramref name="timeout"/> from now (a heartbeat's SQS <c>ChangeMessageVisibility</c>),
    /// if <paramref name="delivery"/> is still its newest receive; false when the receipt is stale.
    /// </summary>
    public bool ExtendVisibility(StormDelivery delivery, TimeSpan timeout)
    {
        var message = delivery.Message;
        long generation;
        lock (message.Sync)
        {
            if (message.Done || message.Receipt != delivery.Receipt)
            {
                return false;
            }

            generation = ++message.VisibilityGeneration;
        }

        Schedule(new Timer(message, delivery.Receipt, TimerKind.VisibilityExpiry, generation), timeout);
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

        Schedule(new Timer(message, receipt, TimerKind.DelayedRelease, 0), delay);
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

                if (timer.Kind == TimerKind.VisibilityExpiry && timer.Generation != message.VisibilityGeneration)
                {
                    continue; // a heartbeat moved the visibility timeout since this timer was set
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

    private sealed record Timer(QueuedMessage Message, long Receipt, TimerKind Kind, long Generation);

    /// <summary>A message on the queue and its receive state; guarded by <see cref="Sync"/>.</summary>
    internal sealed class QueuedMessage(StormEnvelope envelope)
    {
        public Lock Sync { get; } = new();

        public StormEnvelope Envelope { get; } = envelope;

        public int ReceiveCount { get; set; }

        public long Receipt { get; set; }

        public bool Done { get; set; }

        /// <summary>Bumped by each visibility extension, so only the newest visibility timer of a receive fires.</summary>
        public long VisibilityGeneration { get; set; }
    }
}
