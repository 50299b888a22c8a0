using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.InProcess;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Records;
using IdempotentConsumer.Sqs;
using IdempotentConsumer.Sqs.Transport;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Testing.Faults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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
    private static readonly TimeSpan HandBackTimeout = TimeSpan.FromSeconds(1);

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

    private CancellationToken _runToken;
    private volatile bool _stopping;
    private int _unsettledStalls;
    private int _deliveries;
    private int _redeliveries;
    private int _visibilityExpiries;
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
        ConfigureFaults(settings);

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
            while (Outstanding > 0 || Volatile.Read(ref _unsettledStalls) > 0 || !outage.IsCompleted)
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

    private void ConfigureFaults(StormSettings<TMessage> settings)
    {
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
                _duplicateSends++;
            }

            if (Roll(_settings.ConcurrentDuplicateRate))
            {
                for (var copy = 1; copy < _settings.ConcurrentCopies; copy++)
                {
                    ordered.Add((i + (copy * 1e-6), i, body));
                    _concurrentCopies++;
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
            var process = new StormProcess(slot, Compose);
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

    /// <summary>The services of one consumer process: the real worker, registered as a user registers it.</summary>
    private ServiceCollection Compose(StormProcess process)
    {
        var services = new ServiceCollection();
        var store = new StormProcessStore(_store, process, this);
        var transport = new StormProcessTransport(_transport, process, this);
        var loggerFactory = new StormLoggerFactory(process, this, _settings.LoggerFactory);
        if (_settings.UseLambda)
        {
            services.AddSingleton<IHostedService>(new StormLambdaFunction<TMessage>(process, transport, _queueUrl, _visibilityTimeout, ComposeLambda(process, store, loggerFactory)));
            return services;
        }

        services.AddSqsConsumer<TMessage>(
            options =>
            {
                options.QueueUrl = _queueUrl;
                options.Name = "storm";

                // One message at a time per process: a crash takes exactly the message it struck.
                options.MaxConcurrency = 1;
                options.MaxNumberOfMessages = 1;
                options.ReceiveBatchWindow = TimeSpan.Zero;
                options.WaitTimeSeconds = 1;
                options.VisibilityTimeout = _visibilityTimeout;
                options.HeartbeatInterval = _heartbeatInterval;
                options.MaxReceiveCount = _settings.MaxReceiveCount;
                options.Redelivery.InitialDelay = _settings.RetryBackoff;
                options.Redelivery.MaxDelay = TimeSpan.FromTicks(Math.Max(_visibilityTimeout.Ticks, _settings.RetryBackoff.Ticks));
                options.Redelivery.InProgressDelay = TimeSpan.FromSeconds(1);
                options.DeleteBatch.FlushInterval = TimeSpan.FromMilliseconds(5);
                options.ErrorBackoff.InitialDelay = TimeSpan.FromMilliseconds(50);
                options.ErrorBackoff.MaxDelay = TimeSpan.FromSeconds(1);
                options.HandBackTimeout = HandBackTimeout;
            },
            consumer =>
            {
                consumer
                    .WithStore(store)
                    .WithSqsTransport(_ => transport)
                    .WithSerializerOptions(_settings.SerializerOptions)
                    .WithLoggerFactory(loggerFactory)
                    .WithoutRetry()
                    .WithIdempotency(_idempotency.CopyTo);
                _settings.ConfigureConsumer?.Invoke(consumer);
                consumer.Handle<object?>((message, context, _) => HandleAsync(process, message, context));
            });
        return services;
    }

    /// <summary>The function's batch processor, built as a user builds it, living in one execution environment.</summary>
    private SqsBatchProcessor<TMessage> ComposeLambda(StormProcess process, IIdempotencyStore store, StormLoggerFactory loggerFactory)
    {
        var builder = SqsBatchProcessor.For<TMessage>()
            .WithStore(store)
            .WithSerializerOptions(_settings.SerializerOptions)
            .WithLoggerFactory(loggerFactory)
            .WithoutRetry()
            .WithIdempotency(_idempotency.CopyTo)
            .Configure(options =>
            {
                // The function timeout is the visibility timeout (whole seconds, at least 1): leases are a fraction of it.
                options.MaxConcurrency = 1;
                options.LeaseSafetyMargin = _visibilityTimeout / 5;
                options.MinimumLease = _visibilityTimeout / 10;
            });
        _settings.ConfigureLambda?.Invoke(builder);
        return builder.Handle<object?>((message, context, _) => HandleAsync(process, message, context));
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
        Interlocked.Increment(ref _deliveries);
        if (receiveCount > 1)
        {
            Interlocked.Increment(ref _redeliveries);
        }

        if (_lastAttemptByMessageId.TryGetValue(message.MessageId, out var previous)
            && (previous.Crashed || previous.AcknowledgementLost || previous.LeaseLost || !previous.Answered))
        {
            // Nobody deleted or returned the previous receive: it came back because its visibility lapsed.
            Interlocked.Increment(ref _visibilityExpiries);
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

        if (attempt.OutliveLease)
        {
            Interlocked.Decrement(ref _unsettledStalls);
        }

        var stats = _stats[attempt.LogicalIndex];
        Interlocked.Increment(ref stats.Successes);
        if (attempt.BeganDuringOutage)
        {
            Interlocked.Increment(ref _successesAfterOutageBegin);
        }

        if (attempt.MetCompletedRecord && !attempt.HandlerRan)
        {
            Interlocked.Increment(ref _replays);
            if (IsAnotherMessagesResponse(attempt.LogicalIndex, attempt.CompletedResponse))
            {
                Interlocked.Increment(ref stats.CrossUserReplays);
            }
        }

        if (Roll(_settings.LostAcknowledgementRate))
        {
            Interlocked.Increment(ref _lostAcks);
            return true;
        }

        return false;
    }

    public void OnLeaseExtended() => Interlocked.Increment(ref _leaseExtensions);

    public void OnFailure(StormAttempt attempt, Exception? error)
    {
        if (_stopping || attempt.Process.IsDead || error is SimulatedCrashException || error?.InnerException is SimulatedCrashException)
        {
            return; // a dead process's unwinding, or the run ending under it: not a failure of the code under test
        }

        if (attempt.LeaseLost && error is OperationCanceledException)
        {
            return; // the heartbeat gave the message up and cancelled its handler; counted as a lease lost
        }

        if (attempt.OutliveLease && attempt.TrySettle())
        {
            Interlocked.Decrement(ref _unsettledStalls);
        }

        if (attempt.BeganDuringOutage)
        {
            Interlocked.Increment(ref _failuresAfterOutageBegin);
        }

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

    public void OnResponseNotStored() => Interlocked.Increment(ref _responsesNotStored);

    public void OnLeaseLost(StormAttempt attempt)
    {
        attempt.LeaseLost = true;
        Interlocked.Increment(ref _leasesLost);
    }

    public void OnCrash(StormCrashPoint point)
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
            Interlocked.Increment(ref _unsettledStalls);
            process.IsPartitioned = true;
            try
            {
                await OutliveLeaseAsync(lease, _runToken).ConfigureAwait(false);
            }
            finally
            {
                process.IsPartitioned = false;
            }

            Interlocked.Increment(ref _leaseExpiries);
            cancellationToken = CancellationToken.None;
        }

        if (attempt.Slow)
        {
            Interlocked.Increment(ref _slowHandlers);
            await Task.Delay(_settings.SlowHandlerDuration, _time, cancellationToken).ConfigureAwait(false);
        }

        if (attempt.CrashBeforeSideEffect)
        {
            OnCrash(StormCrashPoint.BeforeSideEffect);
            throw process.Crash(StormCrashPoint.BeforeSideEffect);
        }

        attempt.HandlerRan = true;
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
                Volatile.Read(ref _invocationsAfterOutageBegin),
                Volatile.Read(ref _successesAfterOutageBegin),
                Volatile.Read(ref _failuresAfterOutageBegin),
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
        DuplicateSends = _duplicateSends,
        ConcurrentDuplicates = _concurrentCopies,
        Deliveries = Volatile.Read(ref _deliveries),
        Redeliveries = Volatile.Read(ref _redeliveries),
        VisibilityExpiries = Volatile.Read(ref _visibilityExpiries),
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
        DeadLettered = (int)_queue.Statistics.DeadLettered,
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
