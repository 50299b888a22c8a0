using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.InProcess;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Records;
using IdempotentConsumer.Sqs;
using IdempotentConsumer.Sqs.Transport;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Testing.Faults;

namespace IdempotentConsumer.Testing.Storm.Internal;

/// <summary>
/// One storm: the producer's sends onto one in-process SQS queue, consumer processes that each run the hosted worker
/// (<c>AddSqsConsumer</c>) over it, the injected trouble, and the counting.
/// </summary>
internal sealed class StormRun<TMessage> : IStormObserver
{
    private const int MaxUntypedSamples = 10;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxStallPoll = TimeSpan.FromMilliseconds(250);

    private readonly StormSettings<TMessage> _settings;
    private readonly int _seed;
    private readonly Random _random;
    private readonly Lock _randomLock = new();
    private readonly StormMessageStats[] _stats;
    private readonly TMessage[] _messages;
    private readonly IIdempotencyStore _store;
    private readonly IIdempotencyStore _observedStore;
    private readonly FaultInjectingIdempotencyStore? _faults;
    private readonly InProcessSqsTransport _transport;
    private readonly string _queueUrl;
    private readonly string _deadLetterQueueUrl;
    private readonly InProcessQueue _queue;
    private readonly TimeSpan _visibilityTimeout;
    private readonly TimeSpan? _heartbeatInterval;
    private readonly IdempotencyOptions _idempotency;
    private readonly ConcurrentDictionary<string, int> _indexByMessageId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StormAttempt> _lastAttemptByMessageId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _failuresByType = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _untypedSamples = new();
    private readonly ConcurrentBag<Task> _retired = [];
    private readonly TimeProvider _time = TimeProvider.System;

    private readonly StormCounters _counters = new();
    private readonly StormConsumerComposer<TMessage> _consumers;
    private CancellationToken _runToken;
    private volatile bool _stopping;

    public StormRun(StormSettings<TMessage> settings)
    {
        _settings = settings;
        _seed = settings.Seed ?? Random.Shared.Next();
        _random = new Random(_seed);
        _stats = new StormMessageStats[settings.MessageCount];
        _messages = new TMessage[settings.MessageCount];

        // SQS counts visibility in whole seconds, and so does the worker.
        _visibilityTimeout = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((settings.VisibilityTimeout ?? settings.Lease).TotalSeconds)));
        _heartbeatInterval = settings.HeartbeatInterval is { } interval && interval < _visibilityTimeout ? interval : null;

        _idempotency = new IdempotencyOptions
        {
            KeyPrefix = "storm",
            KeySource = settings.KeySource,
            ThrowOnMissingKey = true,
            InProgressLease = _visibilityTimeout,
            SerializerOptions = settings.SerializerOptions,
        };
        settings.ConfigureOptions?.Invoke(_idempotency);

        var store = settings.Store ?? new InMemoryIdempotencyStore();
        _faults = store as FaultInjectingIdempotencyStore;
        if (_faults is null && settings.NeedsFaultInjector)
        {
            _faults = new FaultInjectingIdempotencyStore(store, _seed);
            store = _faults;
        }

        // The stalled handler watches the real store for its successor; injected faults must not blind it.
        _observedStore = _faults?.Inner ?? store;
        _store = store;
        if (_faults is not null)
        {
            StormFaultPlan.Apply(_faults, settings);
        }

        _transport = new InProcessSqsTransport(_time);
        _deadLetterQueueUrl = _transport.CreateQueue("storm-dlq", new InProcessSqsQueueOptions { VisibilityTimeout = TimeSpan.FromHours(1) });
        _queueUrl = _transport.CreateQueue(
            "storm",
            new InProcessSqsQueueOptions
            {
                VisibilityTimeout = _visibilityTimeout,
                RedrivePolicy = new InProcessSqsRedrivePolicy(_deadLetterQueueUrl, settings.MaxReceiveCount),
            });
        _queue = _transport.GetQueue(_queueUrl);
        _consumers = new StormConsumerComposer<TMessage>(
            settings, _store, _transport, this, _queueUrl, _visibilityTimeout, _heartbeatInterval, _idempotency, HandleAsync);
    }

    public bool IsOutage => _faults?.IsOutage == true;

    private int Outstanding
    {
        get
        {
            var statistics = _queue.Statistics;
            return statistics.Visible + statistics.InFlight;
        }
    }

    public async Task<StormReport> RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _runToken = stop.Token;
        var stopwatch = Stopwatch.StartNew();
        await SendAsync(cancellationToken).ConfigureAwait(false);

        var slots = Enumerable.Range(0, _settings.Consumers)
            .Select(slot => Task.Run(() => RunSlotAsync(slot, stop.Token), CancellationToken.None))
            .ToArray();
        var outage = _settings.Outage is { } window ? RunOutageAsync(window.StartAfter, window.Duration, stop.Token) : Task.FromResult<StormOutageReport?>(null);

        var timedOut = false;
        try
        {
            while (Outstanding > 0 || Volatile.Read(ref _counters.UnsettledStalls) > 0 || !outage.IsCompleted)
            {
                if (stopwatch.Elapsed > _settings.Timeout)
                {
                    timedOut = true;
                    break;
                }

                await Task.Delay(PollInterval, _time, stop.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            _stopping = true;
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(slots).ConfigureAwait(false);
            await Task.WhenAll(_retired).ConfigureAwait(false);
        }

        stopwatch.Stop();
        var outageReport = await outage.ConfigureAwait(false);
        await CountDeadLettersAsync().ConfigureAwait(false);
        return BuildReport(stopwatch.Elapsed, timedOut, outageReport);
    }

    /// <summary>Sends every message once, plus later duplicate sends and back-to-back copies, each under a new message id.</summary>
    private async Task SendAsync(CancellationToken cancellationToken)
    {
        var typeInfo = (JsonTypeInfo<TMessage>)_settings.SerializerOptions.GetTypeInfo(typeof(TMessage));
        var window = Math.Max(2, _settings.Consumers * 2);
        var ordered = new List<(double Position, int Index, string Body)>(_settings.MessageCount * 2);
        for (var i = 0; i < _settings.MessageCount; i++)
        {
            _stats[i] = new StormMessageStats(i);
            var message = _messages[i] = _settings.MessageFactory!(i);
            var body = JsonSerializer.Serialize(message, typeInfo);
            ordered.Add((i, i, body));

            if (Roll(_settings.DuplicateSendRate))
            {
                // A producer's retry arrives a little later: sometimes while the first is running, sometimes after.
                ordered.Add((i + (NextDouble() * window), i, body));
                _counters.DuplicateSends++;
            }

            if (Roll(_settings.ConcurrentDuplicateRate))
            {
                for (var copy = 1; copy < _settings.ConcurrentCopies; copy++)
                {
                    ordered.Add((i + (copy * 1e-6), i, body));
                    _counters.ConcurrentCopies++;
                }
            }
        }

        foreach (var (_, index, body) in ordered.OrderBy(e => e.Position))
        {
            var messageId = await _transport.SendAsync(_queueUrl, body, cancellationToken: cancellationToken).ConfigureAwait(false);
            _indexByMessageId[messageId] = index;
            _stats[index].Sends++;
        }
    }

    /// <summary>
    /// Keeps one consumer process running in a slot: a crashed process is stopped and replaced by a fresh one; a stalled
    /// one is replaced too, and stopped in the background once its stalled handler is over (a hung machine holds one
    /// message, not a share of the fleet).
    /// </summary>
    private async Task RunSlotAsync(int slot, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var process = new StormProcess(slot, _consumers.Compose);
            try
            {
                await process.StartAsync(stop).ConfigureAwait(false);
                await Task.WhenAny(process.Died, process.Stalled).WaitAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The storm is over.
            }

            if (process.Stalled.IsCompleted && !process.IsDead && !stop.IsCancellationRequested)
            {
                _retired.Add(RetireAsync(process, stop));
                continue;
            }

            // A dead process gets no grace: whatever it still holds is abandoned to the queue.
            await RetireAsync(process, process.IsDead ? new CancellationToken(canceled: true) : stop).ConfigureAwait(false);
        }
    }

    /// <summary>Stops a process: it receives no more, and its handler has until <paramref name="shutdown"/> (then a short hand-back) to end.</summary>
    private static async Task RetireAsync(StormProcess process, CancellationToken shutdown)
    {
        await using (process.ConfigureAwait(false))
        {
            try
            {
                await process.StopAsync(shutdown).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Cut short by the end of the storm.
            }
        }
    }

    public StormAttempt OnDelivered(StormProcess process, SqsTransportMessage message)
    {
        var receiveCount = message.Attributes.TryGetValue(SqsSystemAttributes.ApproximateReceiveCount, out var count)
            ? int.Parse(count, CultureInfo.InvariantCulture)
            : 1;
        var index = _indexByMessageId[message.MessageId];
        StormAttempt attempt;
        lock (_randomLock)
        {
            var mayCrash = !_settings.CrashOnFirstDeliveryOnly || receiveCount == 1;
            attempt = new StormAttempt(process, index, message.MessageId, message.ReceiptHandle!, receiveCount)
            {
                CrashBeforeSideEffect = RollLocked(_settings.CrashBeforeSideEffectRate) && mayCrash,
                CrashAfterSideEffect = RollLocked(_settings.CrashAfterSideEffectRate) && mayCrash,
                CrashBeforeCompletion = RollLocked(_settings.CrashBeforeCompletionRate) && mayCrash,
                OutliveLease = RollLocked(_settings.LeaseExpiryRate) && receiveCount == 1,
                Slow = RollLocked(_settings.SlowHandlerRate),
            };
        }

        Interlocked.Increment(ref _stats[index].Deliveries);
        Interlocked.Increment(ref _counters.Deliveries);
        if (receiveCount > 1)
        {
            Interlocked.Increment(ref _counters.Redeliveries);
        }

        if (_lastAttemptByMessageId.TryGetValue(message.MessageId, out var previous)
            && (previous.Crashed || previous.AcknowledgementLost || previous.LeaseLost || !previous.Answered))
        {
            // Nobody deleted or returned the previous receive: it came back because its visibility lapsed.
            Interlocked.Increment(ref _counters.VisibilityExpiries);
        }

        _lastAttemptByMessageId[message.MessageId] = attempt;
        return attempt;
    }

    public bool OnAcknowledged(StormAttempt attempt)
    {
        if (!attempt.TrySettle())
        {
            return false;
        }

        if (attempt.Stalled)
        {
            // Another owner completed the key before this stalled handler resumed: its completion must not land.
            Interlocked.Decrement(ref _counters.UnsettledStalls);
            Interlocked.Increment(ref _counters.LateCompletionsLanded);
        }

        var stats = _stats[attempt.LogicalIndex];
        Interlocked.Increment(ref stats.Successes);
        if (attempt.BeganDuringOutage)
        {
            Interlocked.Increment(ref _counters.SuccessesAfterOutageBegin);
        }

        if (attempt.MetCompletedRecord && !attempt.HandlerRan)
        {
            Interlocked.Increment(ref _counters.Replays);
            if (IsAnotherMessagesResponse(attempt.LogicalIndex, attempt.CompletedResponse))
            {
                Interlocked.Increment(ref stats.CrossUserReplays);
            }
        }

        if (Roll(_settings.LostAcknowledgementRate))
        {
            Interlocked.Increment(ref _counters.LostAcks);
            return true;
        }

        return false;
    }

    public void OnLeaseExtended() => Interlocked.Increment(ref _counters.LeaseExtensions);

    public void OnFailure(StormAttempt attempt, Exception? error)
    {
        if (_stopping || attempt.Process.IsDead || error is SimulatedCrashException || error?.InnerException is SimulatedCrashException)
        {
            return; // a dead process's unwinding, or the run ending under it: not a failure of the code under test
        }

        if (attempt.Stalled && attempt.TrySettle())
        {
            Interlocked.Decrement(ref _counters.UnsettledStalls);
            if (error is IdempotencyStaleOwnerException || (attempt.LeaseLost && error is OperationCanceledException))
            {
                // Refused by the store (another owner holds the key), or cut off first by the heartbeat that gave the
                // lease up: either way the stalled handler's completion never landed.
                Interlocked.Increment(ref _counters.LateCompletionsRefused);
            }
        }

        if (attempt.LeaseLost && error is OperationCanceledException)
        {
            return; // the heartbeat gave the message up and cancelled its handler; counted as a lease lost
        }

        if (attempt.BeganDuringOutage)
        {
            Interlocked.Increment(ref _counters.FailuresAfterOutageBegin);
        }

        Interlocked.Increment(ref _counters.FailedDeliveries);
        var name = error?.GetType().Name ?? "(no error)";
        _failuresByType.AddOrUpdate(name, 1, static (_, count) => count + 1);
        if (error is IdempotencyException)
        {
            return;
        }

        Interlocked.Increment(ref _counters.Untyped);
        if (_untypedSamples.Count < MaxUntypedSamples)
        {
            _untypedSamples.Enqueue($"{name}: {error?.Message}");
        }
    }

    public void OnResponseNotStored() => Interlocked.Increment(ref _counters.ResponsesNotStored);

    public void OnLeaseLost(StormAttempt attempt)
    {
        attempt.LeaseLost = true;
        Interlocked.Increment(ref _counters.LeasesLost);
    }

    public void OnCrash(StormCrashPoint point)
    {
        switch (point)
        {
            case StormCrashPoint.BeforeSideEffect:
                Interlocked.Increment(ref _counters.CrashBeforeSideEffect);
                break;
            case StormCrashPoint.AfterSideEffect:
                Interlocked.Increment(ref _counters.CrashAfterSideEffect);
                break;
            case StormCrashPoint.BeforeCompletion:
                Interlocked.Increment(ref _counters.CrashBeforeCompletion);
                break;
        }
    }

    /// <summary>The consumer's handler: the planned trouble around the user's side effect.</summary>
    private async ValueTask<object?> HandleAsync(StormProcess process, TMessage message, MessageContext<TMessage> context)
    {
        var attempt = process.Current;
        if (attempt is null || !string.Equals(attempt.MessageId, context.MessageId, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The storm's handler ran for a message its process did not receive.");
        }

        var stats = _stats[attempt.LogicalIndex];
        stats.SeeKey(context.IdempotencyKey);
        var cancellationToken = context.CancellationToken;
        if (attempt.OutliveLease && context.Lease is { } lease)
        {
            // A stalled machine: its heartbeat cannot reach the store or the queue, and the handler, unaware, resumes
            // after another consumer took the key over and does its side effect anyway.
            attempt.Stalled = true;
            Interlocked.Increment(ref _counters.UnsettledStalls);
            process.IsPartitioned = true;
            try
            {
                await OutliveLeaseAsync(lease, _runToken).ConfigureAwait(false);
            }
            finally
            {
                process.IsPartitioned = false;
            }

            Interlocked.Increment(ref _counters.LeaseExpiries);
            cancellationToken = CancellationToken.None;
        }

        if (attempt.Slow)
        {
            Interlocked.Increment(ref _counters.SlowHandlers);
            await Task.Delay(_settings.SlowHandlerDuration, _time, cancellationToken).ConfigureAwait(false);
        }

        if (attempt.CrashBeforeSideEffect)
        {
            OnCrash(StormCrashPoint.BeforeSideEffect);
            throw process.Crash(StormCrashPoint.BeforeSideEffect);
        }

        attempt.HandlerRan = true;
        Interlocked.Increment(ref stats.HandlerInvocations);
        Interlocked.Increment(ref _counters.HandlerInvocations);
        if (attempt.BeganDuringOutage)
        {
            Interlocked.Increment(ref _counters.InvocationsAfterOutageBegin); // fail-open: the handler ran on a begin the store refused
        }

        var recorder = new SideEffectRecorder(
            stats,
            context.IdempotencyKey ?? string.Empty,
            context.MessageId,
            context.ReceiveCount,
            () => Interlocked.Increment(ref _counters.Effects));
        await _settings.SideEffect!(message, recorder, cancellationToken).ConfigureAwait(false);

        if (attempt.CrashAfterSideEffect)
        {
            OnCrash(StormCrashPoint.AfterSideEffect);
            throw process.Crash(StormCrashPoint.AfterSideEffect);
        }

        return _settings.ResponseFactory?.Invoke(message);
    }

    /// <summary>
    /// Stalls until the lease lapsed and another delivery took the key over and completed it. Behind a deep
    /// backlog the redelivery that takes over can be slow, so the cap is half the storm's time limit.
    /// </summary>
    private async Task OutliveLeaseAsync(IdempotencyLease lease, CancellationToken cancellationToken)
    {
        var cap = _time.GetUtcNow() + TimeSpan.FromTicks(Math.Max(((4 * (_visibilityTimeout + _visibilityTimeout)) + TimeSpan.FromSeconds(4)).Ticks, _settings.Timeout.Ticks / 2));
        var poll = PollInterval;
        while (_time.GetUtcNow() < cap)
        {
            // The heartbeat may have moved the lease before the stall cut it off: wait for its latest end.
            var untilLapsed = lease.ExpiresAt - _time.GetUtcNow();
            if (untilLapsed > TimeSpan.Zero)
            {
                await Task.Delay(untilLapsed + PollInterval, _time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            try
            {
                var record = await _observedStore.GetAsync(lease.Key, cancellationToken).ConfigureAwait(false);
                if (record is not null
                    && record.Status == IdempotencyRecordStatus.Completed
                    && !string.Equals(record.OwnerToken, lease.OwnerToken, StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Only watching: a store that fails a read now may answer the next one.
            }

            // Back off, so that many stalled handlers do not flood the store with reads.
            await Task.Delay(poll, _time, cancellationToken).ConfigureAwait(false);
            poll = TimeSpan.FromTicks(Math.Min(poll.Ticks * 2, MaxStallPoll.Ticks));
        }
    }

    private async Task<StormOutageReport?> RunOutageAsync(TimeSpan startAfter, TimeSpan duration, CancellationToken cancellationToken)
    {
        var faults = _faults!;
        try
        {
            await Task.Delay(startAfter, _time, cancellationToken).ConfigureAwait(false);
            faults.StartOutage();
            await Task.Delay(duration, _time, cancellationToken).ConfigureAwait(false);
            return new StormOutageReport(
                duration,
                Volatile.Read(ref _counters.InvocationsAfterOutageBegin),
                Volatile.Read(ref _counters.SuccessesAfterOutageBegin),
                Volatile.Read(ref _counters.FailuresAfterOutageBegin),
                Outstanding);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        finally
        {
            faults.EndOutage();
        }
    }

    /// <summary>Reads the dead-letter queue: which messages the redrive policy took away.</summary>
    private async Task CountDeadLettersAsync()
    {
        while (true)
        {
            var batch = await _transport.ReceiveAsync(new SqsReceiveRequest { QueueUrl = _deadLetterQueueUrl, WaitTime = TimeSpan.Zero }, CancellationToken.None).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                return;
            }

            foreach (var message in batch)
            {
                if (_indexByMessageId.TryGetValue(message.MessageId, out var index))
                {
                    Interlocked.Increment(ref _stats[index].DeadLetteredSends);
                }
            }
        }
    }

    // By the runtime type's metadata from the configured options, as the executor stores it: no reflection
    // where the options carry a source-generated resolver.
    private string SerializeResponse(object? response) =>
        response is null ? "null" : JsonSerializer.Serialize(response, _settings.SerializerOptions.GetTypeInfo(response.GetType()));

    /// <summary>True when a replayed (stored) response is not the one this message's own handler would have produced.</summary>
    private bool IsAnotherMessagesResponse(int logicalIndex, string? replayed)
    {
        if (_settings.ResponseFactory is null || replayed is null)
        {
            return false; // nothing to compare: no responses configured, or none was stored
        }

        string expected;
        try
        {
            expected = SerializeResponse(_settings.ResponseFactory(_messages[logicalIndex]));
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
        {
            return true; // this message's response cannot be stored, so any stored response replayed to it is another's
        }

        return !string.Equals(expected, replayed, StringComparison.Ordinal);
    }

    private bool Roll(double rate)
    {
        lock (_randomLock)
        {
            return RollLocked(rate);
        }
    }

    private bool RollLocked(double rate) => rate > 0 && _random.NextDouble() < rate;

    private double NextDouble()
    {
        lock (_randomLock)
        {
            return _random.NextDouble();
        }
    }

    private StormReport BuildReport(TimeSpan elapsed, bool timedOut, StormOutageReport? outage) => new()
    {
        Messages = _settings.MessageCount,
        Consumers = _settings.Consumers,
        Seed = _seed,
        Sends = _stats.Sum(s => s.Sends),
        DuplicateSends = _counters.DuplicateSends,
        ConcurrentDuplicates = _counters.ConcurrentCopies,
        Deliveries = Volatile.Read(ref _counters.Deliveries),
        Redeliveries = Volatile.Read(ref _counters.Redeliveries),
        VisibilityExpiries = Volatile.Read(ref _counters.VisibilityExpiries),
        HandlerInvocations = Volatile.Read(ref _counters.HandlerInvocations),
        Effects = Volatile.Read(ref _counters.Effects),
        Replays = Volatile.Read(ref _counters.Replays),
        CrashesAfterSideEffect = Volatile.Read(ref _counters.CrashAfterSideEffect),
        CrashesBeforeCompletion = Volatile.Read(ref _counters.CrashBeforeCompletion),
        CrashesBeforeSideEffect = Volatile.Read(ref _counters.CrashBeforeSideEffect),
        LeaseExpiriesInjected = Volatile.Read(ref _counters.LeaseExpiries),
        LostAcknowledgements = Volatile.Read(ref _counters.LostAcks),
        StoreFaultsInjected = _faults?.InjectedFaultCount ?? 0,
        OutageRejections = _faults?.CountInjected(StoreFaultKind.Outage) ?? 0,
        FailuresByType = new Dictionary<string, int>(_failuresByType, StringComparer.Ordinal),
        UntypedFailures = Volatile.Read(ref _counters.Untyped),
        UntypedFailureSamples = [.. _untypedSamples],
        DeadLettered = (int)_queue.Statistics.DeadLettered,
        PerMessage = [.. _stats.Select(s => s.ToReport())],
        Elapsed = elapsed,
        TimedOut = timedOut,
        Outage = outage,
        SlowHandlers = Volatile.Read(ref _counters.SlowHandlers),
        LeaseExtensions = Volatile.Read(ref _counters.LeaseExtensions),
        LeasesLost = Volatile.Read(ref _counters.LeasesLost),
        LateCompletionsRefused = Volatile.Read(ref _counters.LateCompletionsRefused),
        LateCompletionsLanded = Volatile.Read(ref _counters.LateCompletionsLanded),
        ResponsesNotStored = Volatile.Read(ref _counters.ResponsesNotStored),
        LostBeginReplies = _faults?.InjectedFaults.Count(f => f.Operation == StoreOperations.Begin && f.Timing == FaultTiming.AfterWrite) ?? 0,
        LeaseExtensionFaults = _faults?.CountInjected(StoreOperations.ExtendLease) ?? 0,
    };
}
