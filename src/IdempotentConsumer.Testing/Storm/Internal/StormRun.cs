using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Testing.Faults;

namespace IdempotentConsumer.Testing.Storm.Internal;

/// <summary>One storm: sends, consumers, the injected trouble, and the counting.</summary>
internal sealed class StormRun<TMessage>
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxStallPoll = TimeSpan.FromMilliseconds(250);
    private const int MaxUntypedSamples = 10;

    private readonly StormSettings<TMessage> _settings;
    private readonly int _seed;
    private readonly Random _random;
    private readonly Lock _randomLock = new();
    private readonly StormMessageStats[] _stats;
    private readonly TMessage[] _messages;
    private readonly IIdempotencyStore _observedStore;
    private readonly FaultInjectingIdempotencyStore? _faults;
    private readonly MessagePipeline<TMessage> _pipeline;
    private readonly StormQueue _queue;
    private readonly TimeSpan _visibilityTimeout;
    private readonly ConcurrentDictionary<string, int> _failuresByType = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _untypedSamples = new();
    private readonly ConcurrentBag<Task> _stalled = [];
    private readonly TimeProvider _time = TimeProvider.System;

    private int _inFlight;
    private int _deliveries;
    private int _redeliveries;
    private int _handlerInvocations;
    private int _effects;
    private int _replays;
    private int _lostAcks;
    private int _failedDeliveries;
    private int _untyped;
    private int _leaseExpiries;
    private int _crashBeforeSideEffect;
    private int _crashAfterSideEffect;
    private int _crashBeforeCompletion;
    private int _duplicateSends;
    private int _concurrentCopies;
    private int _invocationsAfterOutageBegin;
    private int _successesAfterOutageBegin;
    private int _failuresAfterOutageBegin;
    private int _slowHandlers;
    private int _leaseExtensions;
    private int _leasesLost;
    private int _responsesNotStored;

    public StormRun(StormSettings<TMessage> settings)
    {
        _settings = settings;
        _seed = settings.Seed ?? Random.Shared.Next();
        _random = new Random(_seed);
        _stats = new StormMessageStats[settings.MessageCount];
        _messages = new TMessage[settings.MessageCount];
        _visibilityTimeout = settings.VisibilityTimeout ?? settings.Lease;

        var store = settings.Store ?? new InMemoryIdempotencyStore();
        _faults = store as FaultInjectingIdempotencyStore;
        if (_faults is null && settings.NeedsFaultInjector)
        {
            _faults = new FaultInjectingIdempotencyStore(store, _seed);
            store = _faults;
        }

        // The stalled handler watches the real store for its successor; injected faults must not blind it.
        _observedStore = _faults?.Inner ?? store;
        if (settings.StoreFaultRate > 0)
        {
            var share = settings.StoreFaultRate / 3;
            _faults!.Inject(StoreOperations.All, StoreFaultKind.Throttling, share, FaultTiming.Either);
            _faults.AddRule(new StoreFaultRule { Kind = StoreFaultKind.Timeout, Probability = share, Timing = FaultTiming.Either, Delay = TimeSpan.FromMilliseconds(10) });
            _faults.Inject(StoreOperations.All, StoreFaultKind.Error, share, FaultTiming.Either);
        }

        if (settings.LostBeginReplyRate > 0)
        {
            // The begin's write lands and only its reply is lost, as when an SDK retries a conditional write.
            _faults!.AddRule(new StoreFaultRule { Operations = StoreOperations.Begin, Kind = StoreFaultKind.Timeout, Timing = FaultTiming.AfterWrite, Probability = settings.LostBeginReplyRate });
        }

        if (settings.LeaseExtensionFaultRate > 0)
        {
            _faults!.Inject(StoreOperations.ExtendLease, StoreFaultKind.Error, settings.LeaseExtensionFaultRate, FaultTiming.Either);
        }

        settings.ConfigureFaults?.Invoke(_faults!);

        var options = new IdempotencyOptions
        {
            KeyPrefix = "storm",
            KeySource = settings.KeySource,
            ThrowOnMissingKey = true,
            InProgressLease = settings.Lease,
            SerializerOptions = settings.SerializerOptions,
        };
        settings.ConfigureOptions?.Invoke(options);

        var executor = new IdempotencyExecutor(new StormStoreGate(store, () => _faults?.IsOutage == true), options, _time);
        var builder = new MessagePipelineBuilder<TMessage>()
            .WithSerializerOptions(settings.SerializerOptions)
            .WithLoggerFactory(settings.LoggerFactory)
            .UseIdempotency(executor);
        settings.ConfigurePipeline?.Invoke(builder);
        _pipeline = builder.Build(TerminalAsync);
        _queue = new StormQueue(_visibilityTimeout, settings.MaxReceiveCount, _time, envelope => Interlocked.Increment(ref _stats[envelope.LogicalIndex].DeadLetteredSends));
    }

    public async Task<StormReport> RunAsync(CancellationToken cancellationToken)
    {
        var plan = PlanSends();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var stopwatch = Stopwatch.StartNew();
        foreach (var envelope in plan)
        {
            _queue.Send(envelope);
        }

        var timers = Task.Run(() => _queue.RunTimersAsync(stop.Token), CancellationToken.None);
        var consumers = Enumerable.Range(0, _settings.Consumers)
            .Select(_ => Task.Run(() => ConsumeAsync(stop.Token), CancellationToken.None))
            .ToArray();
        var outage = _settings.Outage is { } window ? RunOutageAsync(window.StartAfter, window.Duration, stop.Token) : Task.FromResult<StormOutageReport?>(null);

        var timedOut = false;
        try
        {
            while (_queue.Outstanding > 0 || Volatile.Read(ref _inFlight) > 0 || !outage.IsCompleted)
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
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(consumers).ConfigureAwait(false);
            await Task.WhenAll(_stalled).ConfigureAwait(false);
            await timers.ConfigureAwait(false);
        }

        stopwatch.Stop();
        var outageReport = await outage.ConfigureAwait(false);
        return BuildReport(stopwatch.Elapsed, timedOut, outageReport);
    }

    private List<StormEnvelope> PlanSends()
    {
        var typeInfo = (JsonTypeInfo<TMessage>)_settings.SerializerOptions.GetTypeInfo(typeof(TMessage));
        var window = Math.Max(2, _settings.Consumers * 2);
        var ordered = new List<(double Position, StormEnvelope Envelope)>(_settings.MessageCount * 2);
        for (var i = 0; i < _settings.MessageCount; i++)
        {
            var stats = _stats[i] = new StormMessageStats(i);
            var message = _messages[i] = _settings.MessageFactory!(i);
            var body = JsonSerializer.Serialize(message, typeInfo);
            ordered.Add((i, NewEnvelope(body, i, stats)));

            if (Roll(_settings.DuplicateSendRate))
            {
                // A producer's retry arrives a little later: sometimes while the first is running, sometimes after.
                ordered.Add((i + (NextDouble() * window), NewEnvelope(body, i, stats)));
                _duplicateSends++;
            }

            if (Roll(_settings.ConcurrentDuplicateRate))
            {
                for (var copy = 1; copy < _settings.ConcurrentCopies; copy++)
                {
                    ordered.Add((i + (copy * 1e-6), NewEnvelope(body, i, stats)));
                    _concurrentCopies++;
                }
            }
        }

        return [.. ordered.OrderBy(e => e.Position).Select(e => e.Envelope)];
    }

    private static StormEnvelope NewEnvelope(string body, int index, StormMessageStats stats)
    {
        stats.Sends++;
        return new StormEnvelope(Guid.NewGuid().ToString(), body, index);
    }

    private async Task ConsumeAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            StormDelivery delivery;
            try
            {
                delivery = await _queue.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var attempt = Plan(delivery);
            Interlocked.Increment(ref _inFlight);
            var processing = ProcessTrackedAsync(attempt, cancellationToken);
            if (attempt.OutliveLease)
            {
                // A handler that hangs past its lease holds one process, not the fleet: the consumer moves on,
                // so that another one can take the key over while the stalled attempt still runs.
                _stalled.Add(processing);
                continue;
            }

            await processing.ConfigureAwait(false);
        }
    }

    private StormAttempt Plan(StormDelivery delivery)
    {
        lock (_randomLock)
        {
            var mayCrash = !_settings.CrashOnFirstDeliveryOnly || delivery.ReceiveCount == 1;
            return new StormAttempt(delivery)
            {
                CrashBeforeSideEffect = RollLocked(_settings.CrashBeforeSideEffectRate) && mayCrash,
                CrashAfterSideEffect = RollLocked(_settings.CrashAfterSideEffectRate) && mayCrash,
                CrashBeforeCompletion = RollLocked(_settings.CrashBeforeCompletionRate) && mayCrash,
                OutliveLease = RollLocked(_settings.LeaseExpiryRate) && delivery.ReceiveCount == 1,
                Slow = RollLocked(_settings.SlowHandlerRate),
            };
        }
    }

    private async Task ProcessTrackedAsync(StormAttempt attempt, CancellationToken cancellationToken)
    {
        try
        {
            await ProcessAsync(attempt, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task ProcessAsync(StormAttempt attempt, CancellationToken cancellationToken)
    {
        var delivery = attempt.Delivery;
        var stats = _stats[delivery.Envelope.LogicalIndex];
        Interlocked.Increment(ref stats.Deliveries);
        Interlocked.Increment(ref _deliveries);
        if (delivery.ReceiveCount > 1)
        {
            Interlocked.Increment(ref _redeliveries);
        }

        // Set inside this method so the attempt flows into the pipeline and the store gate, and no further.
        StormAttempt.Current = attempt;
        var incoming = new IncomingMessage
        {
            MessageId = delivery.Envelope.MessageId,
            Body = delivery.Envelope.Body,
            ReceiveCount = delivery.ReceiveCount,
        };
        using var handlerCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.HandlerCancellation = handlerCancellation;
        using var stopHeartbeat = new CancellationTokenSource();
        var heartbeat = _settings.HeartbeatInterval is { } interval && !attempt.OutliveLease
            ? HeartbeatAsync(attempt, interval, stopHeartbeat.Token)
            : Task.CompletedTask;
        MessageProcessingResult result;
        try
        {
            result = await _pipeline.ProcessAsync(incoming, EmptyServiceProvider.Instance, _settings.Lease, handlerCancellation.Token).ConfigureAwait(false);
        }
        finally
        {
            await stopHeartbeat.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
        }

        stats.SeeKey(result.IdempotencyKey);

        if (attempt.Crashed)
        {
            CountCrash(attempt.CrashedAt);
            return; // a dead process neither deletes nor releases: the visibility timeout brings the message back
        }

        if (attempt.LeaseLost && !result.IsSuccess)
        {
            // The consumer gave the message up with its lease: no delete, no release, no more visibility extensions.
            Interlocked.Increment(ref _leasesLost);
            return;
        }

        if (attempt.BeganDuringOutage)
        {
            Interlocked.Increment(ref result.IsSuccess ? ref _successesAfterOutageBegin : ref _failuresAfterOutageBegin);
        }

        if (result.IsSuccess)
        {
            Interlocked.Increment(ref stats.Successes);
            if (result.Error is IdempotencyResponseNotStoredException)
            {
                Interlocked.Increment(ref _responsesNotStored);
            }

            if (result.Status == MessageProcessingStatus.Replayed)
            {
                Interlocked.Increment(ref _replays);
                if (IsAnotherMessagesResponse(delivery.Envelope.LogicalIndex, result.Response))
                {
                    Interlocked.Increment(ref stats.CrossUserReplays);
                }
            }

            if (Roll(_settings.LostAcknowledgementRate))
            {
                Interlocked.Increment(ref _lostAcks);
                return;
            }

            _queue.Delete(delivery);
            return;
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return; // the run ended under it; not a failure of the code under test
        }

        CountFailure(result.Error);
        _queue.Release(delivery, RedeliveryDelay(delivery.ReceiveCount, result.Error));
    }

    /// <summary>
    /// Keeps the message and the lease of a running handler alive, lease first: when the lease cannot be extended
    /// before it lapses, the handler is cancelled and the visibility is left to lapse, so another consumer can take
    /// the message over without two handlers running for one key.
    /// </summary>
    private async Task HeartbeatAsync(StormAttempt attempt, TimeSpan interval, CancellationToken stop)
    {
        var next = interval;
        try
        {
            while (true)
            {
                await Task.Delay(next, _time, stop).ConfigureAwait(false);
                next = interval;
                if (attempt.Crashed)
                {
                    return; // a dead process extends nothing
                }

                if (attempt.Lease is { } lease)
                {
                    try
                    {
                        await lease.ExtendAsync(_settings.Lease, stop).ConfigureAwait(false);
                        Interlocked.Increment(ref _leaseExtensions);
                    }
                    catch (IdempotencyException ex) when (ex is not IdempotencyStaleOwnerException && _time.GetUtcNow() + (interval / 4) + PollInterval < lease.ExpiresAt)
                    {
                        next = interval / 4; // time is left on the lease: try again soon
                        continue;
                    }
                    catch (IdempotencyException)
                    {
                        attempt.LeaseLost = true;
                        await attempt.HandlerCancellation!.CancelAsync().ConfigureAwait(false);
                        return;
                    }
                }

                _queue.ExtendVisibility(attempt.Delivery, _visibilityTimeout);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The handler finished.
        }
    }

    // By the runtime type's metadata from the configured options, as the executor stores it: no reflection
    // where the options carry a source-generated resolver.
    private string SerializeResponse(object? response) =>
        response is null ? "null" : JsonSerializer.Serialize(response, _settings.SerializerOptions.GetTypeInfo(response.GetType()));

    /// <summary>True when a replayed response is not the one this message's own handler would have produced.</summary>
    private bool IsAnotherMessagesResponse(int logicalIndex, object? replayed)
    {
        if (_settings.ResponseFactory is null || replayed is null)
        {
            return false; // nothing to compare: no responses configured, or none was stored
        }

        string? expected;
        try
        {
            expected = SerializeResponse(_settings.ResponseFactory(_messages[logicalIndex]));
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
        {
            return true; // this message's response cannot be stored, so any stored response replayed to it is another's
        }

        var actual = SerializeResponse(replayed);
        return !string.Equals(expected, actual, StringComparison.Ordinal);
    }

    /// <summary>
    /// An "in progress elsewhere" rejection waits for the blocking lease to lapse (bounded by a lease and a visibility
    /// timeout), so waiting on a live holder does not spend the receive budget; other failures back off exponentially.
    /// </summary>
    private TimeSpan RedeliveryDelay(int receiveCount, Exception? error)
    {
        var backoff = Backoff(receiveCount);
        if (error is IdempotencyAlreadyInProgressException { InProgressExpiresAt: { } leaseEnd })
        {
            var left = leaseEnd - _time.GetUtcNow() + PollInterval;
            var cap = _settings.Lease + _visibilityTimeout;
            return left > backoff ? (left < cap ? left : cap) : backoff;
        }

        return backoff;
    }

    private async ValueTask<object?> TerminalAsync(MessageContext<TMessage> context)
    {
        var attempt = StormAttempt.Current ?? throw new InvalidOperationException("The storm's handler ran outside a storm delivery.");
        var stats = _stats[attempt.LogicalIndex];
        stats.SeeKey(context.IdempotencyKey);
        if (attempt.Crashed)
        {
            throw new SimulatedCrashException(attempt.CrashedAt!.Value);
        }

        if (attempt.OutliveLease && context.Lease is { } lease)
        {
            await OutliveLeaseAsync(lease, context.CancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _leaseExpiries);
        }

        attempt.Lease = context.Lease;
        try
        {
            return await RunSideEffectAsync(context, attempt, stats).ConfigureAwait(false);
        }
        finally
        {
            attempt.Lease = null;
        }
    }

    private async ValueTask<object?> RunSideEffectAsync(MessageContext<TMessage> context, StormAttempt attempt, StormMessageStats stats)
    {
        if (attempt.Slow)
        {
            Interlocked.Increment(ref _slowHandlers);
            await Task.Delay(_settings.SlowHandlerDuration, _time, context.CancellationToken).ConfigureAwait(false);
        }

        if (attempt.CrashBeforeSideEffect)
        {
            throw attempt.Crash(StormCrashPoint.BeforeSideEffect);
        }

        Interlocked.Increment(ref stats.HandlerInvocations);
        Interlocked.Increment(ref _handlerInvocations);
        if (attempt.BeganDuringOutage)
        {
            Interlocked.Increment(ref _invocationsAfterOutageBegin); // fail-open: the handler ran on a begin the store refused
        }
        var recorder = new SideEffectRecorder(
            stats,
            context.IdempotencyKey ?? string.Empty,
            context.MessageId,
            context.ReceiveCount,
            () => Interlocked.Increment(ref _effects));
        await _settings.SideEffect!(context.Message, recorder, context.CancellationToken).ConfigureAwait(false);

        if (attempt.CrashAfterSideEffect)
        {
            throw attempt.Crash(StormCrashPoint.AfterSideEffect);
        }

        return _settings.ResponseFactory?.Invoke(context.Message);
    }

    /// <summary>
    /// Stalls until the lease lapsed and another delivery took the key over and completed it. Behind a deep
    /// backlog the redelivery that takes over can be slow, so the cap is half the storm's time limit.
    /// </summary>
    private async Task OutliveLeaseAsync(IdempotencyLease lease, CancellationToken cancellationToken)
    {
        var untilLapsed = lease.ExpiresAt - _time.GetUtcNow();
        if (untilLapsed > TimeSpan.Zero)
        {
            await Task.Delay(untilLapsed + PollInterval, _time, cancellationToken).ConfigureAwait(false);
        }

        var cap = _time.GetUtcNow() + TimeSpan.FromTicks(Math.Max(((4 * (_settings.Lease + _visibilityTimeout)) + TimeSpan.FromSeconds(2)).Ticks, _settings.Timeout.Ticks / 2));
        var poll = PollInterval;
        while (_time.GetUtcNow() < cap)
        {
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
                Volatile.Read(ref _invocationsAfterOutageBegin),
                Volatile.Read(ref _successesAfterOutageBegin),
                Volatile.Read(ref _failuresAfterOutageBegin),
                _queue.Outstanding);
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

    private void CountCrash(StormCrashPoint? point)
    {
        switch (point)
        {
            case StormCrashPoint.BeforeSideEffect:
                Interlocked.Increment(ref _crashBeforeSideEffect);
                break;
            case StormCrashPoint.AfterSideEffect:
                Interlocked.Increment(ref _crashAfterSideEffect);
                break;
            case StormCrashPoint.BeforeCompletion:
                Interlocked.Increment(ref _crashBeforeCompletion);
                break;
        }
    }

    private void CountFailure(Exception? error)
    {
        Interlocked.Increment(ref _failedDeliveries);
        var name = error?.GetType().Name ?? "(no error)";
        _failuresByType.AddOrUpdate(name, 1, static (_, count) => count + 1);
        if (error is IdempotencyException)
        {
            return;
        }

        Interlocked.Increment(ref _untyped);
        if (_untypedSamples.Count < MaxUntypedSamples)
        {
            _untypedSamples.Enqueue($"{name}: {error?.Message}");
        }
    }

    private TimeSpan Backoff(int receiveCount)
    {
        var exponent = Math.Min(receiveCount - 1, 10);
        var delay = Math.Min(_settings.RetryBackoff.TotalMilliseconds * (1 << exponent), _visibilityTimeout.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(delay * (0.5 + (NextDouble() / 2))); // jitter, so retries do not march in step
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
        DuplicateSends = _duplicateSends,
        ConcurrentDuplicates = _concurrentCopies,
        Deliveries = Volatile.Read(ref _deliveries),
        Redeliveries = Volatile.Read(ref _redeliveries),
        VisibilityExpiries = _queue.VisibilityExpiries,
        HandlerInvocations = Volatile.Read(ref _handlerInvocations),
        Effects = Volatile.Read(ref _effects),
        Replays = Volatile.Read(ref _replays),
        CrashesAfterSideEffect = Volatile.Read(ref _crashAfterSideEffect),
        CrashesBeforeCompletion = Volatile.Read(ref _crashBeforeCompletion),
        CrashesBeforeSideEffect = Volatile.Read(ref _crashBeforeSideEffect),
        LeaseExpiriesInjected = Volatile.Read(ref _leaseExpiries),
        LostAcknowledgements = Volatile.Read(ref _lostAcks),
        StoreFaultsInjected = _faults?.InjectedFaultCount ?? 0,
        OutageRejections = _faults?.CountInjected(StoreFaultKind.Outage) ?? 0,
        FailuresByType = new Dictionary<string, int>(_failuresByType, StringComparer.Ordinal),
        UntypedFailures = Volatile.Read(ref _untyped),
        UntypedFailureSamples = [.. _untypedSamples],
        DeadLettered = _queue.DeadLettered,
        PerMessage = [.. _stats.Select(s => s.ToReport())],
        Elapsed = elapsed,
        TimedOut = timedOut,
        Outage = outage,
        SlowHandlers = Volatile.Read(ref _slowHandlers),
        LeaseExtensions = Volatile.Read(ref _leaseExtensions),
        LeasesLost = Volatile.Read(ref _leasesLost),
        ResponsesNotStored = Volatile.Read(ref _responsesNotStored),
        LostBeginReplies = _faults?.InjectedFaults.Count(f => f.Operation == StoreOperations.Begin && f.Timing == FaultTiming.AfterWrite) ?? 0,
        LeaseExtensionFaults = _faults?.CountInjected(StoreOperations.ExtendLease) ?? 0,
    };
}
