using System.Text.Json;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Hosting.DependencyInjection;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Testing.Faults;
using IdempotentConsumer.Testing.Storm.Internal;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Testing.Storm;

/// <summary>
/// Configures a storm; every rate is a probability from 0 to 1. Each consumer is a process running the hosted SQS
/// worker (<c>AddSqsConsumer</c>) over one shared in-process SQS queue. Timings are real time; the queue and the worker
/// count visibility in whole seconds (default 1 s), so a storm of a few hundred messages takes seconds.
/// </summary>
/// <typeparam name="TMessage">The message type; messages travel the queue as JSON.</typeparam>
public sealed class IdempotencyStormBuilder<TMessage>
{
    private readonly StormSettings<TMessage> _settings;

    internal IdempotencyStormBuilder(IdempotencyKeySource keySource) => _settings = new StormSettings<TMessage>(keySource);

    /// <summary>The logical messages: <paramref name="count"/> of them, made by <paramref name="factory"/> from their index.</summary>
    public IdempotencyStormBuilder<TMessage> WithMessages(int count, Func<int, TMessage> factory)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        _settings.MessageCount = count;
        _settings.MessageFactory = factory ?? throw new ArgumentNullException(nameof(factory));
        return this;
    }

    /// <summary>The logical messages, given as a list (each should carry a distinct key).</summary>
    public IdempotencyStormBuilder<TMessage> WithMessages(IReadOnlyList<TMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return WithMessages(messages.Count, i => messages[i]);
    }

    /// <summary>The side effect to prove: it receives the message and a recorder carrying the idempotency key.</summary>
    public IdempotencyStormBuilder<TMessage> WithSideEffect(StormSideEffect<TMessage> sideEffect)
    {
        _settings.SideEffect = sideEffect ?? throw new ArgumentNullException(nameof(sideEffect));
        return this;
    }

    /// <summary>
    /// The side effect as a plain function of the message and its idempotency key, counted as having happened
    /// every time it returns <c>true</c> (return false when the downstream call reported a duplicate).
    /// </summary>
    public IdempotencyStormBuilder<TMessage> WithSideEffect(Func<TMessage, string, CancellationToken, ValueTask<bool>> sideEffect)
    {
        ArgumentNullException.ThrowIfNull(sideEffect);
        return WithSideEffect(async (message, effect, ct) =>
        {
            if (await sideEffect(message, effect.IdempotencyKey, ct).ConfigureAwait(false))
            {
                effect.Record();
            }
        });
    }

    /// <summary>The store under test. Default: a fresh <see cref="InMemoryIdempotencyStore"/>.</summary>
    public IdempotencyStormBuilder<TMessage> WithStore(IIdempotencyStore store)
    {
        _settings.Store = store ?? throw new ArgumentNullException(nameof(store));
        return this;
    }

    /// <summary>Each message is sent once more with this probability, a little later, under a new message id (a producer retrying a send).</summary>
    public IdempotencyStormBuilder<TMessage> WithDuplicateSends(double rate)
    {
        _settings.DuplicateSendRate = Rate(rate);
        return this;
    }

    /// <summary>With this probability a message is sent <paramref name="copies"/> times back to back, so several consumers take it at once.</summary>
    public IdempotencyStormBuilder<TMessage> WithConcurrentDuplicates(double rate, int copies = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(copies, 2);
        _settings.ConcurrentDuplicateRate = Rate(rate);
        _settings.ConcurrentCopies = copies;
        return this;
    }

    /// <summary>
    /// With this probability a delete the worker sends for a finished message never reaches the queue (the reply says
    /// deleted), so the queue redelivers it when its visibility timeout lapses.
    /// </summary>
    public IdempotencyStormBuilder<TMessage> WithRedeliveries(double rate)
    {
        _settings.LostAcknowledgementRate = Rate(rate);
        return this;
    }

    /// <summary>How many consumer processes receive and process in parallel, one message at a time each (the worker with a concurrency of 1). Default: 4.</summary>
    public IdempotencyStormBuilder<TMessage> WithConsumers(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        _settings.Consumers = count;
        return this;
    }

    /// <summary>
    /// With this probability a delivery's process dies right after its side effect, before completion is written: from
    /// then on every store and queue call of that process fails, so the record stays IN_PROGRESS until its lease lapses
    /// and the message comes back after its visibility timeout, to be handled again; a fresh process takes the slot.
    /// Only a side effect that honours the idempotency key survives this without a double effect.
    /// </summary>
    public IdempotencyStormBuilder<TMessage> WithCrashAfterSideEffect(double rate)
    {
        _settings.CrashAfterSideEffectRate = Rate(rate);
        return this;
    }

    /// <summary>With this probability a delivery dies after the handler returned, just before the completion write.</summary>
    public IdempotencyStormBuilder<TMessage> WithCrashBeforeCompletion(double rate)
    {
        _settings.CrashBeforeCompletionRate = Rate(rate);
        return this;
    }

    /// <summary>With this probability a delivery dies after taking the record, before its side effect.</summary>
    public IdempotencyStormBuilder<TMessage> WithCrashBeforeSideEffect(double rate)
    {
        _settings.CrashBeforeSideEffectRate = Rate(rate);
        return this;
    }

    /// <summary>
    /// Injected crashes strike only a send's first delivery: a crashed consumer's message then comes back once and is
    /// taken over, so a small receive budget (<see cref="WithMaxReceiveCount"/> of 3) is not spent by repeated crashes.
    /// </summary>
    public IdempotencyStormBuilder<TMessage> WithCrashesOnFirstDeliveryOnly()
    {
        _settings.CrashOnFirstDeliveryOnly = true;
        return this;
    }

    /// <summary>
    /// With this probability a first delivery's process stalls: cut off from the store and the queue, its heartbeat
    /// fails and the worker gives the message up, while its handler waits until another delivery has taken the key over
    /// and completed it, then does its side effect anyway; its late completion must be rejected.
    /// </summary>
    public IdempotencyStormBuilder<TMessage> WithLeaseExpiryMidHandler(double rate)
    {
        _settings.LeaseExpiryRate = Rate(rate);
        return this;
    }

    /// <summary>
    /// Every store call fails with this probability, spread evenly over throttling, timeouts and errors, each
    /// either before or after its write lands.
    /// </summary>
    public IdempotencyStormBuilder<TMessage> WithStoreFaults(double rate)
    {
        _settings.StoreFaultRate = Rate(rate);
        return this;
    }

    /// <summary>Configures the storm's fault injector (which wraps the store) with rules of your own.</summary>
    public IdempotencyStormBuilder<TMessage> WithStoreFaults(Action<FaultInjectingIdempotencyStore> configure)
    {
        _settings.ConfigureFaults = configure ?? throw new ArgumentNullException(nameof(configure));
        return this;
    }

    /// <summary>
    /// Every begin's write lands but, with this probability, its reply is lost and the caller sees a timeout (as when
    /// an SDK retries a conditional write that had landed). The executor must recognise its own record.
    /// </summary>
    public IdempotencyStormBuilder<TMessage> WithLostBeginReplies(double rate)
    {
        _settings.LostBeginReplyRate = Rate(rate);
        return this;
    }

    /// <summary>Every lease extension fails with this probability (before or after its write lands). Pair with <see cref="WithLeaseHeartbeat"/>.</summary>
    public IdempotencyStormBuilder<TMessage> WithLeaseExtensionFaults(double rate)
    {
        _settings.LeaseExtensionFaultRate = Rate(rate);
        return this;
    }

    /// <summary>
    /// With this probability a delivery's handler takes <paramref name="duration"/> before its side effect (honouring
    /// cancellation). Longer than <see cref="IdempotencyOptions.RecordExpiry"/> or the lease, it proves that a live
    /// record neither expires nor is taken over while its handler runs (pair with <see cref="WithLeaseHeartbeat"/>).
    /// </summary>
    public IdempotencyStormBuilder<TMessage> WithSlowHandlers(double rate, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        _settings.SlowHandlerRate = Rate(rate);
        _settings.SlowHandlerDuration = duration;
        return this;
    }

    /// <summary>
    /// The worker's heartbeat interval (<c>SqsConsumerOptions.HeartbeatInterval</c>): while a handler runs, every
    /// <paramref name="interval"/> the worker extends its lease, then its visibility timeout. When either cannot be
    /// extended in time, the handler is cancelled and the message left to come back. Default (and when not shorter than
    /// the visibility timeout): the worker's own, a third of the visibility timeout.
    /// </summary>
    public IdempotencyStormBuilder<TMessage> WithLeaseHeartbeat(TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _settings.HeartbeatInterval = interval;
        return this;
    }

    /// <summary>
    /// The handler returns <paramref name="response"/> for its message, which the executor stores and replays to
    /// duplicates. The storm checks every replayed response against the message's own and counts any other as a
    /// cross-user replay. A response that cannot be stored (too large, or the serializer fails on it) is allowed.
    /// </summary>
    public IdempotencyStormBuilder<TMessage> WithResponses(Func<TMessage, object?> response)
    {
        _settings.ResponseFactory = response ?? throw new ArgumentNullException(nameof(response));
        return this;
    }

    /// <summary>Takes the store down <paramref name="startAfter"/> into the run, for <paramref name="duration"/>.</summary>
    public IdempotencyStormBuilder<TMessage> WithStoreOutage(TimeSpan startAfter, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(startAfter, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        _settings.Outage = (startAfter, duration);
        return this;
    }

    /// <summary>
    /// The visibility timeout the worker asks for, unless set apart with <see cref="WithVisibilityTimeout"/>; rounded up to
    /// whole seconds (at least 1 s), the unit of SQS. The worker's lease follows it: the visibility plus one heartbeat
    /// interval. Default: 1 s.
    /// </summary>
    public IdempotencyStormBuilder<TMessage> WithLease(TimeSpan lease)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        _settings.Lease = lease;
        return this;
    }

    /// <summary>How long a received message stays hidden before the queue redelivers it; whole seconds, rounded up. Default: the lease.</summary>
    public IdempotencyStormBuilder<TMessage> WithVisibilityTimeout(TimeSpan visibilityTimeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(visibilityTimeout, TimeSpan.Zero);
        _settings.VisibilityTimeout = visibilityTimeout;
        return this;
    }

    /// <summary>
    /// The worker's first redelivery delay after a failure (<c>RedeliveryOptions.InitialDelay</c>); it doubles per receive
    /// up to the visibility timeout. The worker counts it in whole seconds, at least 1 s. Default: 1 s.
    /// </summary>
    public IdempotencyStormBuilder<TMessage> WithRetryBackoff(TimeSpan backoff)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(backoff, TimeSpan.Zero);
        _settings.RetryBackoff = backoff;
        return this;
    }

    /// <summary>
    /// The queue's redrive policy: receives after which a send moves to the dead-letter queue (and its message counts
    /// lost unless another send finished it). The worker reads it as its <c>MaxReceiveCount</c>. Default: 100.
    /// </summary>
    public IdempotencyStormBuilder<TMessage> WithMaxReceiveCount(int maxReceiveCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxReceiveCount);
        _settings.MaxReceiveCount = maxReceiveCount;
        return this;
    }

    /// <summary>The longest the storm may take; past it the run stops and the report says it timed out. Default: 2 minutes.</summary>
    public IdempotencyStormBuilder<TMessage> WithTimeout(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _settings.Timeout = timeout;
        return this;
    }

    /// <summary>Seeds every random choice of the storm (and of its fault injector). Thread scheduling still varies.</summary>
    public IdempotencyStormBuilder<TMessage> WithSeed(int seed)
    {
        _settings.Seed = seed;
        return this;
    }

    /// <summary>
    /// Adjusts the consumer's idempotency options (<c>WithIdempotency</c> on the worker). The storm sets
    /// <c>KeyPrefix = "storm"</c>, the key source, <c>ThrowOnMissingKey = true</c> and the lease first. A local cache
    /// (<c>UseLocalCache</c>) answers some duplicates without a store call; the storm then counts them as successes, not replays.
    /// </summary>
    public IdempotencyStormBuilder<TMessage> ConfigureIdempotency(Action<IdempotencyOptions> configure)
    {
        _settings.ConfigureOptions = configure ?? throw new ArgumentNullException(nameof(configure));
        return this;
    }

    /// <summary>
    /// Adjusts each consumer process's worker registration with the worker's own verbs, as in your host: middleware
    /// (<c>b =&gt; b.Use(...)</c>), in-process retry (<c>WithRetry</c>; the storm starts from <c>WithoutRetry()</c>),
    /// redelivery delays (<c>WithRedelivery</c>). The storm sets the store, the queue, the idempotency options and the
    /// handler; do not call <c>Handle</c> here.
    /// </summary>
    public IdempotencyStormBuilder<TMessage> ConfigureConsumer(Action<SqsConsumerBuilder<TMessage>> configure)
    {
        _settings.ConfigureConsumer = configure ?? throw new ArgumentNullException(nameof(configure));
        return this;
    }

    /// <summary>
    /// Runs every consumer process as a Lambda function instead of a hosted worker: the batch processor
    /// (<c>SqsBatchProcessor.For&lt;TMessage&gt;</c>) invoked one record at a time by the local event source mapping
    /// over the same in-process queue, with the function timeout equal to the visibility timeout. A crash fails the
    /// invocation as a whole, as a dying execution environment does. <paramref name="configure"/> adjusts the processor
    /// with its own verbs (middleware, retry, batch options); the storm sets the store, the idempotency options and the
    /// handler. A Lambda function cannot extend its lease, so <see cref="WithLeaseHeartbeat"/> is refused with it.
    /// </summary>
    public IdempotencyStormBuilder<TMessage> WithLambdaConsumers(Action<SqsBatchProcessorBuilder<TMessage>>? configure = null)
    {
        _settings.UseLambda = true;
        _settings.ConfigureLambda = configure;
        return this;
    }

    /// <summary>Serializer options for the message bodies and stored responses. Default: <see cref="Serialization.IdempotencyJsonDefaults.Web"/>.</summary>
    public IdempotencyStormBuilder<TMessage> WithSerializerOptions(JsonSerializerOptions options)
    {
        _settings.SerializerOptions = options ?? throw new ArgumentNullException(nameof(options));
        return this;
    }

    /// <summary>Logs the workers, pipelines and executors through this factory. Default: no logging.</summary>
    public IdempotencyStormBuilder<TMessage> WithLoggerFactory(ILoggerFactory loggerFactory)
    {
        _settings.LoggerFactory = loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory));
        return this;
    }

    /// <summary>Runs the storm until every message is finished (or the time limit) and returns its report.</summary>
    /// <exception cref="InvalidOperationException">No messages or no side effect were configured, or a lease heartbeat with Lambda consumers.</exception>
    public Task<StormReport> RunAsync(CancellationToken cancellationToken = default)
    {
        if (_settings.MessageFactory is null)
        {
            throw new InvalidOperationException("Call WithMessages before RunAsync.");
        }

        if (_settings.SideEffect is null)
        {
            throw new InvalidOperationException("Call WithSideEffect before RunAsync.");
        }

        if (_settings.UseLambda && _settings.HeartbeatInterval is not null)
        {
            throw new InvalidOperationException("A Lambda function cannot extend its lease: WithLeaseHeartbeat is for hosted workers, not WithLambdaConsumers.");
        }

        return new StormRun<TMessage>(_settings).RunAsync(cancellationToken);
    }

    private static double Rate(double rate, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(rate))] string? name = null)
    {
        if (double.IsNaN(rate) || rate is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(name, rate, "A rate is a probability from 0 to 1.");
        }

        return rate;
    }
}
