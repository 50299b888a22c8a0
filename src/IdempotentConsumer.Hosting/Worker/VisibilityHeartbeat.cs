using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Hosting.Telemetry;
using IdempotentConsumer.Sqs.Transport;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Hosting.Worker;

/// <summary>
/// Keeps one received message invisible while it waits or runs: every interval it moves the idempotency lease
/// (owner-checked by the store) forward, then the visibility timeout along with it. When either cannot be extended
/// before the visibility lapses, the message is lost to this consumer: the handler is cancelled and the visibility
/// is no longer extended, so the message comes back to the queue while the lease is still fenced to this owner.
/// </summary>
/// <remarks>
/// The lease ends one heartbeat interval after the visibility. If this process stalls past the visibility timeout,
/// a redelivery elsewhere then finds the record still in progress and backs off, instead of taking the lease and
/// running the side effect a second time; after a real crash the redelivery waits at most that interval longer.
/// </remarks>
internal sealed partial class VisibilityHeartbeat
{
    private readonly ISqsTransport _sqs;
    private readonly string _queueUrl;
    private readonly string _receiptHandle;
    private readonly string _messageId;
    private readonly TimeSpan _visibilityTimeout;
    private readonly TimeSpan _interval;
    private readonly HeartbeatScheduler _scheduler;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Action _onLost;
    private readonly object _lock = new();
    private CancellationTokenSource? _extensionCancellation;
    private Task? _extension;
    private long _visibleUntilTicks;
    private DateTimeOffset _nextExtension;
    private bool _stopped;
    private int _lost;

    // scheduler: the consumer's shared timer, which calls BeginExtension when this heartbeat is due.
    // visibleUntil: When the visibility granted by the receive lapses.
    // onLost: Called once when the message or its lease is lost (cancels the handler).
    public VisibilityHeartbeat(
        ISqsTransport sqs,
        string queueUrl,
        string receiptHandle,
        string messageId,
        TimeSpan visibilityTimeout,
        TimeSpan interval,
        DateTimeOffset visibleUntil,
        HeartbeatScheduler scheduler,
        TimeProvider timeProvider,
        ILogger logger,
        Action onLost)
    {
        _sqs = sqs;
        _queueUrl = queueUrl;
        _receiptHandle = receiptHandle;
        _messageId = messageId;
        _visibilityTimeout = visibilityTimeout;
        _interval = interval;
        _scheduler = scheduler;
        _timeProvider = timeProvider;
        _logger = logger;
        _onLost = onLost;
        _visibleUntilTicks = visibleUntil.UtcTicks;
        _nextExtension = visibleUntil - visibilityTimeout + interval;
    }

    /// <summary>When the message's visibility currently lapses.</summary>
    public DateTimeOffset VisibleUntil => new(Interlocked.Read(ref _visibleUntilTicks), TimeSpan.Zero);

    /// <summary>When the idempotency lease should lapse: one interval after the visibility.</summary>
    public DateTimeOffset LeaseUntil => VisibleUntil + _interval;

    /// <summary>Reads the lease held by the running handler, if any (set when the handler starts).</summary>
    public Func<IdempotencyLease?>? LeaseAccessor { get; set; }

    /// <summary>True once an extension failed for good: the handler was cancelled and the message is not ours any more.</summary>
    public bool IsLost => Volatile.Read(ref _lost) == 1;

    /// <summary>How many extensions succeeded.</summary>
    public int Extensions { get; private set; }

    /// <summary>Starts extending (on the scheduler's ticks).</summary>
    public void Start() => _scheduler.Add(this);

    /// <summary>Stops extending and waits for an extension under way, so nothing extends a message after its delete or hand-back.</summary>
    public async ValueTask StopAsync()
    {
        Task? extension;
        CancellationTokenSource? cancellation;
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            extension = _extension;
            cancellation = _extensionCancellation;
        }

        _scheduler.Remove(this);
        if (extension is not null)
        {
            await cancellation!.CancelAsync().ConfigureAwait(false);
            await extension.ConfigureAwait(false);
        }

        cancellation?.Dispose();
    }

    /// <summary>True when an extension should start now (called by the scheduler).</summary>
    public bool IsDue(DateTimeOffset now)
    {
        lock (_lock)
        {
            return !_stopped && _extension is null && _lost == 0 && now >= _nextExtension;
        }
    }

    /// <summary>Starts one extension in the background (called by the scheduler when due).</summary>
    public void BeginExtension()
    {
        lock (_lock)
        {
            if (_stopped || _extension is not null)
            {
                return;
            }

            _extensionCancellation ??= new CancellationTokenSource();
            _extension = ExtendAsync(_extensionCancellation.Token);
        }
    }

    private async Task ExtendAsync(CancellationToken stop)
    {
        // Off the scheduler's tick: a slow call must not delay the other messages' extensions.
        await Task.Yield();
        DateTimeOffset? next = null;
        try
        {
            await ExtendOnceAsync(stop).ConfigureAwait(false);
            next = _timeProvider.GetUtcNow() + _interval;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped while extending.
        }
        catch (IdempotencyStaleOwnerException) when (LeaseAccessor?.Invoke() is null)
        {
            // The handler finished and completed its record between reading the lease and extending it: not a loss.
        }
        catch (Exception ex) when (IsFinal(ex))
        {
            Lose(ex);
        }
        catch (Exception ex)
        {
            SqsConsumerTelemetry.RecordError(ex is IdempotencyException ? "extend_lease" : "change_visibility");

            // Retried after a quarter interval, seen by the scheduler up to one tick later: give up if that is too late,
            // for the visibility or for the lease (which normally outlasts the visibility by one interval).
            var retryDelay = TimeSpan.FromTicks(Math.Max(_interval.Ticks / 4, _scheduler.Tick.Ticks));
            var retryAt = _timeProvider.GetUtcNow() + retryDelay;
            var deadline = VisibleUntil;
            if (LeaseAccessor?.Invoke() is { } lease && lease.ExpiresAt < deadline)
            {
                deadline = lease.ExpiresAt;
            }

            if (retryAt + _scheduler.Tick >= deadline)
            {
                Lose(ex);
            }
            else
            {
                LogExtensionRetry(_logger, ex, _messageId, VisibleUntil);
                next = retryAt;
            }
        }
        finally
        {
            lock (_lock)
            {
                if (next is { } at)
                {
                    _nextExtension = at;
                }

                _extension = null;
            }
        }
    }

    private async Task ExtendOnceAsync(CancellationToken stop)
    {
        var requestedAt = _timeProvider.GetUtcNow();
        var visibleUntil = requestedAt + _visibilityTimeout;

        // The lease first: visibility is only worth extending while the record is still ours. If the lease cannot be
        // moved, the visibility is left to lapse one interval before the lease, so the handler is cancelled (and the
        // message given up) while its record is still fenced to this owner.
        if (LeaseAccessor?.Invoke() is { } lease)
        {
            await lease.ExtendAsync(visibleUntil + _interval - _timeProvider.GetUtcNow(), stop).ConfigureAwait(false);
        }

        await _sqs.ChangeVisibilityAsync(_queueUrl, _receiptHandle, _visibilityTimeout, stop).ConfigureAwait(false);
        Interlocked.Exchange(ref _visibleUntilTicks, visibleUntil.UtcTicks);

        Extensions++;
        SqsConsumerTelemetry.VisibilityExtensions.Add(1);
    }

    private void Lose(Exception reason)
    {
        if (Interlocked.Exchange(ref _lost, 1) == 1)
        {
            return;
        }

        SqsConsumerTelemetry.HeartbeatFailures.Add(1);
        LogLost(_logger, reason, _messageId, reason.GetType().Name);
        _onLost();
    }

    /// <summary>Failures that no retry heals: the receipt handle or the lease is no longer ours.</summary>
    private static bool IsFinal(Exception ex) => ex is IdempotencyStaleOwnerException or SqsMessageLostException;

    [LoggerMessage(EventId = 1200, Level = LogLevel.Warning, Message = "Message {MessageId}: extending its idempotency lease or visibility failed; retrying while it stays invisible (until {VisibleUntil:O}).")]
    private static partial void LogExtensionRetry(ILogger logger, Exception exception, string messageId, DateTimeOffset visibleUntil);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Error, Message = "Message {MessageId}: visibility or idempotency lease could not be extended ({Reason}); cancelling its handler, the message is no longer ours.")]
    private static partial void LogLost(ILogger logger, Exception exception, string messageId, string reason);
}
