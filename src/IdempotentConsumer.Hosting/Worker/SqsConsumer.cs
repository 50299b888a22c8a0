using IdempotentConsumer.Batching;
using IdempotentConsumer.Hosting.Options;
using IdempotentConsumer.Hosting.Telemetry;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Sqs;
using IdempotentConsumer.Sqs.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Hosting.Worker;

/// <summary>
/// One queue's consumer: wires the poller, dispatcher, heartbeats, processor and delete batcher together, and
/// runs the shutdown: stop receiving, let in-flight messages finish, and when the host's patience runs out cancel
/// them (their idempotency records are released by the executor) and hand them back with visibility 0.
/// </summary>
internal sealed partial class SqsConsumer<TMessage>
{
    private readonly SqsConsumerOptions _options;
    private readonly ISqsTransport _sqs;
    private readonly MessagePipeline<TMessage> _pipeline;
    private readonly ReceiveKeyReader<TMessage>? _keys;
    private readonly BatchPrecheck<TMessage>? _precheck;
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ILogger _heartbeatLogger;
    private readonly ConcurrencyGate _gate;
    private readonly OutstandingDeliveries _outstanding = new();
    private readonly DeleteBatcher _deletes;
    private readonly SqsPoller _poller;
    private readonly TimeSpan _heartbeatInterval;
    // Never disposed: the host may signal its deadline while, or after, the drain finishes, from any thread.
    private readonly CancellationTokenSource _unwindDeadline;
    private readonly CancellationTokenSource _finalDeadline;
    private HeartbeatScheduler? _heartbeats;
    private MessageDispatcher? _dispatcher;
    private SqsMessageProcessor<TMessage>? _processor;
    private int _abandoned;

    public SqsConsumer(
        string name,
        SqsConsumerOptions options,
        ISqsTransport sqs,
        MessagePipeline<TMessage> pipeline,
        ReceiveKeyReader<TMessage>? keys,
        BatchPrecheck<TMessage>? precheck,
        IServiceScopeFactory scopes,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        IdempotencyOptions? idempotency = null,
        MessageRetryOptions? retry = null)
    {
        Name = name;
        Idempotency = idempotency;
        Retry = retry;
        _options = options;
        _sqs = sqs;
        _pipeline = pipeline;
        _keys = keys;
        _precheck = precheck;
        _scopes = scopes;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger("IdempotentConsumer.Hosting.SqsConsumer");
        _heartbeatLogger = loggerFactory.CreateLogger("IdempotentConsumer.Hosting.VisibilityHeartbeat");
        IsFifo = options.QueueUrl.EndsWith(".fifo", StringComparison.Ordinal);
        _gate = new ConcurrencyGate(options.MaxConcurrency);
        _heartbeatInterval = options.HeartbeatInterval ?? options.VisibilityTimeout / 3;
        _unwindDeadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        _finalDeadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        _deletes = new DeleteBatcher(sqs, options.QueueUrl, options.DeleteBatch, options.ErrorBackoff, timeProvider, loggerFactory.CreateLogger("IdempotentConsumer.Hosting.DeleteBatcher"));
        _poller = new SqsPoller(sqs, options, IsFifo, _gate, timeProvider, loggerFactory.CreateLogger("IdempotentConsumer.Hosting.SqsPoller"));
    }

    /// <summary>The consumer's name (logs, default key prefix).</summary>
    public string Name { get; }

    /// <summary>The idempotency options the consumer captured when it was built; null when idempotency is off.</summary>
    public IdempotencyOptions? Idempotency { get; }

    /// <summary>The retry options the consumer captured when it was built.</summary>
    public MessageRetryOptions? Retry { get; }

    /// <summary>True when the queue is FIFO: messages of a group run in order.</summary>
    public bool IsFifo { get; }

    /// <summary>Messages received and not finished.</summary>
    public int Outstanding => _outstanding.Count;

    /// <summary>Receives and processes until <paramref name="stopReceiving"/> fires, then drains (see <see cref="AbandonInFlight"/>).</summary>
    public async Task RunAsync(CancellationToken stopReceiving)
    {
        var maxReceiveCount = _options.MaxReceiveCount
            ?? await RedrivePolicyReader.TryReadMaxReceiveCountAsync(_sqs, _options.QueueUrl, _logger, stopReceiving).ConfigureAwait(false);
        _processor = new SqsMessageProcessor<TMessage>(
            _pipeline, _scopes, maxReceiveCount, _deletes, _sqs, _options.QueueUrl, _timeProvider, _logger, OnFinished, _finalDeadline.Token);
        _dispatcher = new MessageDispatcher(IsFifo, _processor.ProcessAsync, _processor.HandBackAsync);

        await using var heartbeats = new HeartbeatScheduler(HeartbeatScheduler.TickFor(_heartbeatInterval), _timeProvider);
        _heartbeats = heartbeats;
        var deleting = _deletes.RunAsync(_finalDeadline.Token);
        LogStarted(_logger, Name, _options.QueueUrl, _options.MaxConcurrency, IsFifo, maxReceiveCount);
        try
        {
            await _poller.RunAsync(OnReceived, stopReceiving).ConfigureAwait(false);
        }
        finally
        {
            LogStopping(_logger, Name, _outstanding.Count);
            await DrainAsync().ConfigureAwait(false);
            _deletes.Complete();
            await deleting.ConfigureAwait(false);
            LogStopped(_logger, Name);
        }
    }

    /// <summary>
    /// The host's shutdown timeout has passed: cancel every unfinished handler and hand its message back. Handlers get
    /// <see cref="SqsConsumerOptions.HandBackTimeout"/> to unwind; pending queue calls get as long again.
    /// </summary>
    public void AbandonInFlight()
    {
        if (Interlocked.Exchange(ref _abandoned, 1) == 1)
        {
            return;
        }

        var unfinished = _outstanding.Snapshot();
        LogAbandoning(_logger, Name, unfinished.Length);
        _unwindDeadline.CancelAfter(_options.HandBackTimeout);
        _finalDeadline.CancelAfter(_options.HandBackTimeout * 2);
        foreach (var delivery in unfinished)
        {
            delivery.Abandon();
        }
    }

    private void OnReceived(IReadOnlyList<SqsTransportMessage> messages, DateTimeOffset receivedAt)
    {
        var deliveries = new SqsDelivery[messages.Count];
        for (var i = 0; i < deliveries.Length; i++)
        {
            deliveries[i] = Accept(messages[i], receivedAt);
        }

        if (_keys is not null && deliveries.Length > 1)
        {
            LinkCopies(deliveries);
        }

        foreach (var delivery in deliveries)
        {
            delivery.Heartbeat.Start();
        }

        if (_precheck is { } precheck && precheck.ShouldRead([.. deliveries.Select(d => d.Incoming)]))
        {
            // Off the poller's thread: the read is one store call, and the next receive must not wait for it.
            _ = Task.Run(() => PrecheckThenDispatchAsync(precheck, deliveries));
            return;
        }

        Dispatch(deliveries);
    }

    /// <summary>
    /// Reads the receive's keys in one call before any message runs, so its completed duplicates are answered from
    /// that read with no write. A failed read only costs the saving: every message still runs.
    /// </summary>
    private async Task PrecheckThenDispatchAsync(BatchPrecheck<TMessage> precheck, SqsDelivery[] deliveries)
    {
        try
        {
            var records = await precheck.ReadAsync([.. deliveries.Select(d => d.Incoming)], _unwindDeadline.Token).ConfigureAwait(false);
            for (var i = 0; i < deliveries.Length; i++)
            {
                deliveries[i].Prechecked = records[i];
            }
        }
        catch (Exception ex)
        {
            LogPrecheckFailed(_logger, ex, Name);
        }
        finally
        {
            Dispatch(deliveries);
        }
    }

    private void Dispatch(SqsDelivery[] deliveries)
    {
        foreach (var delivery in deliveries)
        {
            _dispatcher!.Dispatch(delivery);
        }
    }

    /// <summary>
    /// One receive can hold one key more than once (a producer's retried send, an SQS duplicate). The first copy runs;
    /// the later ones wait for its result instead of meeting its in-progress record and failing back to the queue.
    /// Copies only wait for earlier messages of the receive, and FIFO groups run in receive order, so no wait is circular.
    /// </summary>
    private void LinkCopies(SqsDelivery[] deliveries)
    {
        Dictionary<string, SqsDelivery>? first = null;
        foreach (var delivery in deliveries)
        {
            if (_keys!.TryRead(delivery.Incoming) is not { } key)
            {
                continue;
            }

            first ??= new Dictionary<string, SqsDelivery>(StringComparer.Ordinal);
            if (first.TryGetValue(key, out var leader))
            {
                delivery.FollowAsCopy(leader);
                SqsConsumerTelemetry.DuplicatesInReceive.Add(1);
                LogCopy(_logger, delivery.MessageId, leader.MessageId);
            }
            else
            {
                first.Add(key, delivery);
            }
        }
    }

    private SqsDelivery Accept(SqsTransportMessage message, DateTimeOffset receivedAt)
    {
        var incoming = SqsIncomingMessages.ToIncoming(message);
        var receiptHandle = message.ReceiptHandle!;
        SqsDelivery? delivery = null;
        var heartbeat = new VisibilityHeartbeat(
            _sqs,
            _options.QueueUrl,
            receiptHandle,
            incoming.MessageId,
            _options.VisibilityTimeout,
            _heartbeatInterval,
            receivedAt + _options.VisibilityTimeout,
            _heartbeats!,
            _timeProvider,
            _heartbeatLogger,
            () => delivery?.CancelHandler());
        delivery = new SqsDelivery(incoming, receiptHandle, heartbeat);
        _outstanding.Add(delivery);
        SqsConsumerTelemetry.Outstanding.Add(1);
        if (Volatile.Read(ref _abandoned) == 1)
        {
            delivery.Abandon();
        }

        return delivery;
    }

    private void OnFinished(SqsDelivery delivery)
    {
        // A straggler handed back at shutdown may finish later: its slot was already given back.
        if (!_outstanding.Remove(delivery))
        {
            return;
        }

        SqsConsumerTelemetry.Outstanding.Add(-1);
        _gate.Release(1);
        delivery.Dispose();
    }

    private async Task DrainAsync()
    {
        try
        {
            await _outstanding.WhenEmptyAsync(_unwindDeadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Handlers that ignore their cancellation token: hand their messages back without waiting for them.
            // Their idempotency records stay in progress until the lease lapses with the visibility.
            var stragglers = _outstanding.Snapshot();
            LogStragglers(_logger, Name, stragglers.Length);
            await Task.WhenAll(stragglers.Select(d => _processor!.HandBackAsync(d, "shutdown"))).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 1500, Level = LogLevel.Information, Message = "SQS consumer {Name} started on {QueueUrl} (concurrency {MaxConcurrency}, FIFO {IsFifo}, max receive count {MaxReceiveCount}).")]
    private static partial void LogStarted(ILogger logger, string name, string queueUrl, int maxConcurrency, bool isFifo, int? maxReceiveCount);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "SQS consumer {Name} stopped receiving; waiting for {Count} unfinished messages.")]
    private static partial void LogStopping(ILogger logger, string name, int count);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Warning, Message = "SQS consumer {Name}: shutdown timeout reached; cancelling {Count} unfinished messages and handing them back.")]
    private static partial void LogAbandoning(ILogger logger, string name, int count);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Error, Message = "SQS consumer {Name}: {Count} handlers ignored cancellation; handing their messages back without them.")]
    private static partial void LogStragglers(ILogger logger, string name, int count);

    [LoggerMessage(EventId = 1505, Level = LogLevel.Debug, Message = "Message {MessageId} has the idempotency key of {LeaderId} from the same receive; it takes that message's result instead of running.")]
    private static partial void LogCopy(ILogger logger, string messageId, string leaderId);

    [LoggerMessage(EventId = 1506, Level = LogLevel.Warning, Message = "SQS consumer {Name}: the batch pre-check failed; the receive runs without it.")]
    private static partial void LogPrecheckFailed(ILogger logger, Exception exception, string name);

    [LoggerMessage(EventId = 1504, Level = LogLevel.Information, Message = "SQS consumer {Name} stopped.")]
    private static partial void LogStopped(ILogger logger, string name);
}
