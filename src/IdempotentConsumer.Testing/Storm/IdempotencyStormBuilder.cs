using System.Text.Json;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Testing.Faults;
using IdempotentConsumer.Testing.Storm.Internal;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Testing.Storm;

/// <summary>
/// Configures a storm; every rate is a probability from 0 to 1. Timings are real time and short by default
/// (a 500 ms lease and visibility timeout), so a storm of a few hundred messages takes seconds.
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

    /// <summary>With this probability a successful delivery's delete is dropped, so the queue redelivers it when its visibility timeout lapses.</summary>
    public IdempotencyStormBuilder<TMessage> WithRedeliveries(double rate)
    {
        _settings.LostAcknowledgementRate = Rate(rate);
        return this;
    }

    /// <summary>How many consumers receive and process in parallel. Default: 4.</summary>
    public IdempotencyStormBuilder<TMessage> WithConsumers(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        _settings.Consumers = count;
        return this;
    }

    /// <summary>
    /// With this probability a delivery dies right after its side effect, before completion is written: the
    /// record stays IN_PROGRESS until its lease lapses, then the message is redelivered and handled again.
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
    /// With this probability a first delivery's handler stalls past its lease until another delivery has taken
    /// the key over and completed it, then does its side effect; its late completion must be rejected.
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
    /// While a handler runs, every <paramref name="interval"/> the consumer extends its lease by the lease duration and
    /// then its visibility timeout, as the hosted worker does. When the lease cannot be extended before it lapses, the
    /// handler is cancelled and the visibility is left to lapse. Default: no heartbeat.
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

    /// <summary>The in-progress lease each delivery takes; also the visibility timeout unless set apart. Default: 500 ms.</summary>
    public IdempotencyStormBuilder<TMessage> WithLease(TimeSpan lease)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        _settings.Lease = lease;
        return this;
    }

    /// <summary>How long a received message stays hidden before the queue redelivers it. Default: the lease.</summary>
    public IdempotencyStormBuilder<TMessage> WithVisibilityTimeout(TimeSpan visibilityTimeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(visibilityTimeout, TimeSpan.Zero);
        _settings.VisibilityTimeout = visibilityTimeout;
        return this;
    }

    /// <summary>The first delay before a failed delivery becomes visible again; it doubles per receive up to the visibility timeout. Default: 25 ms.</summary>
    public IdempotencyStormBuilder<TMessage> WithRetryBackoff(TimeSpan backoff)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(backoff, TimeSpan.Zero);
        _settings.RetryBackoff = backoff;
        return this;
    }

    /// <summary>Receives after which a send is dead-lettered (and its message counted lost unless another send finished it). Default: 100.</summary>
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
    /// Adjusts the executor's options. The storm sets <c>KeyPrefix = "storm"</c>, the key source,
    /// <c>ThrowOnMissingKey = true</c> and the lease first.
    /// </summary>
    public IdempotencyStormBuilder<TMessage> ConfigureIdempotency(Action<IdempotencyOptions> configure)
    {
        _settings.ConfigureOptions = configure ?? throw new ArgumentNullException(nameof(configure));
        return this;
    }

    /// <summary>Adds steps after the idempotency step (for example <c>b =&gt; b.UseRetry(...)</c>), as in your consumer.</summary>
    public IdempotencyStormBuilder<TMessage> ConfigurePipeline(Action<MessagePipelineBuilder<TMessage>> configure)
    {
        _settings.ConfigurePipeline = configure ?? throw new ArgumentNullException(nameof(configure));
        return this;
    }

    /// <summary>Serializer options for the message bodies and stored responses. Default: <see cref="Serialization.IdempotencyJsonDefaults.Web"/>.</summary>
    public IdempotencyStormBuilder<TMessage> WithSerializerOptions(JsonSerializerOptions options)
    {
        _settings.SerializerOptions = options ?? throw new ArgumentNullException(nameof(options));
        return this;
    }

    /// <summary>Logs the pipeline and executor through this factory. Default: no logging.</summary>
    public IdempotencyStormBuilder<TMessage> WithLoggerFactory(ILoggerFactory loggerFactory)
    {
        _settings.LoggerFactory = loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory));
        return this;
    }

    /// <summary>Runs the storm until every message is finished (or the time limit) and returns its report.</summary>
    /// <exception cref="InvalidOperationException">No messages or no side effect were configured.</exception>
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
