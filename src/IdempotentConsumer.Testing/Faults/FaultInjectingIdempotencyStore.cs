using System.Collections.Concurrent;
using System.Numerics;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Testing.Faults;

/// <summary>
/// Wraps any <see cref="IIdempotencyStore"/> and makes chosen calls fail the way real backends fail:
/// throttling, timeouts, errors, before or after the write lands, and a whole-store outage switch.
/// Every injected fault surfaces as <see cref="IdempotencyPersistenceException"/> (as a real store reports
/// I/O failures) with an <see cref="InjectedStoreFaultException"/> inside, and is counted.
/// </summary>
/// <remarks>Thread-safe. Pass a seed to make the probability rolls repeatable.</remarks>
public sealed class FaultInjectingIdempotencyStore : IIdempotencyStore
{
    private static readonly int OperationSlots = BitOperations.Log2((uint)StoreOperations.GetMany) + 1;
    private static readonly int KindSlots = Enum.GetValues<StoreFaultKind>().Length;

    private readonly Random _random;
    private readonly Lock _randomLock = new();
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentQueue<InjectedStoreFault> _log = new();
    private readonly long[] _callsByOperation = new long[OperationSlots];
    private readonly int[] _faultsByOperation = new int[OperationSlots];
    private readonly int[] _faultsByKind = new int[KindSlots];
    private RuleState[] _rules = [];
    private int _faultCount;
    private volatile bool _outage;

    /// <summary>Wraps <paramref name="inner"/>. No faults are injected until a rule is added or an outage starts.</summary>
    /// <param name="inner">The real store.</param>
    /// <param name="seed">Seed for the probability rolls; null for a random seed.</param>
    /// <param name="timeProvider">Clock for fault delays and the fault log. Default: the system clock.</param>
    public FaultInjectingIdempotencyStore(IIdempotencyStore inner, int? seed = null, TimeProvider? timeProvider = null)
    {
        Inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _random = seed is { } s ? new Random(s) : new Random();
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The wrapped store; calls made on it directly are never faulted.</summary>
    public IIdempotencyStore Inner { get; }

    /// <summary>True while the outage switch is on: every call fails before reaching the store.</summary>
    public bool IsOutage => _outage;

    /// <summary>False pauses every rule (not the outage switch). Default: true.</summary>
    public bool RulesEnabled { get; set; } = true;

    /// <summary>How many faults were injected so far, outage rejections included.</summary>
    public int InjectedFaultCount => Volatile.Read(ref _faultCount);

    /// <summary>A snapshot of every fault injected so far, in order.</summary>
    public IReadOnlyList<InjectedStoreFault> InjectedFaults => [.. _log];

    /// <summary>Adds a rule. Rules are consulted in the order added; the first that fires decides the fault.</summary>
    public FaultInjectingIdempotencyStore AddRule(StoreFaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        rule.Validate();
        lock (_randomLock)
        {
            _rules = [.. _rules, new RuleState(rule)];
        }

        return this;
    }

    /// <summary>Fails matching calls with the given probability.</summary>
    public FaultInjectingIdempotencyStore Inject(
        StoreOperations operations,
        StoreFaultKind kind = StoreFaultKind.Throttling,
        double probability = 1.0,
        FaultTiming timing = FaultTiming.BeforeWrite,
        int? maxFaults = null) =>
        AddRule(new StoreFaultRule { Operations = operations, Kind = kind, Probability = probability, Timing = timing, MaxFaults = maxFaults });

    /// <summary>Fails exactly the next <paramref name="count"/> matching calls.</summary>
    public FaultInjectingIdempotencyStore FailNext(
        StoreOperations operations,
        int count = 1,
        StoreFaultKind kind = StoreFaultKind.Error,
        FaultTiming timing = FaultTiming.BeforeWrite) =>
        Inject(operations, kind, 1.0, timing, count);

    /// <summary>Removes every rule (the outage switch is left as it is).</summary>
    public void ClearRules()
    {
        lock (_randomLock)
        {
            _rules = [];
        }
    }

    /// <summary>Turns the outage on: from now on every call fails with <see cref="StoreFaultKind.Outage"/> before reaching the store.</summary>
    public void StartOutage() => _outage = true;

    /// <summary>Turns the outage off.</summary>
    public void EndOutage() => _outage = false;

    /// <summary>How many faults were injected into the given operations.</summary>
    public int CountInjected(StoreOperations operations)
    {
        var total = 0;
        for (var slot = 0; slot < OperationSlots; slot++)
        {
            if (((int)operations & (1 << slot)) != 0)
            {
                total += Volatile.Read(ref _faultsByOperation[slot]);
            }
        }

        return total;
    }

    /// <summary>How many faults of the given kind were injected.</summary>
    public int CountInjected(StoreFaultKind kind) => Volatile.Read(ref _faultsByKind[(int)kind]);

    /// <summary>How many calls of the given operations reached this wrapper (faulted or not).</summary>
    public long CountCalls(StoreOperations operations)
    {
        long total = 0;
        for (var slot = 0; slot < OperationSlots; slot++)
        {
            if (((int)operations & (1 << slot)) != 0)
            {
                total += Interlocked.Read(ref _callsByOperation[slot]);
            }
        }

        return total;
    }

    /// <inheritdoc />
    public async ValueTask<BeginResult> TryBeginAsync(BeginRequest request, CancellationToken cancellationToken = default)
    {
        var after = await BeforeCallAsync(StoreOperations.Begin, request.Key, cancellationToken).ConfigureAwait(false);
        var result = await Inner.TryBeginAsync(request, cancellationToken).ConfigureAwait(false);
        await AfterCallAsync(after).ConfigureAwait(false);
        return result;
    }

    /// <inheritdoc />
    public async ValueTask CompleteAsync(CompleteRequest request, CancellationToken cancellationToken = default)
    {
        var after = await BeforeCallAsync(StoreOperations.Complete, request.Key, cancellationToken).ConfigureAwait(false);
        await Inner.CompleteAsync(request, cancellationToken).ConfigureAwait(false);
        await AfterCallAsync(after).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken = default)
    {
        var after = await BeforeCallAsync(StoreOperations.Release, key, cancellationToken).ConfigureAwait(false);
        await Inner.ReleaseAsync(key, ownerToken, cancellationToken).ConfigureAwait(false);
        await AfterCallAsync(after).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask ExtendLeaseAsync(ExtendLeaseRequest request, CancellationToken cancellationToken = default)
    {
        var after = await BeforeCallAsync(StoreOperations.ExtendLease, request.Key, cancellationToken).ConfigureAwait(false);
        await Inner.ExtendLeaseAsync(request, cancellationToken).ConfigureAwait(false);
        await AfterCallAsync(after).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IdempotencyRecord?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var after = await BeforeCallAsync(StoreOperations.Get, key, cancellationToken).ConfigureAwait(false);
        var record = await Inner.GetAsync(key, cancellationToken).ConfigureAwait(false);
        await AfterCallAsync(after).ConfigureAwait(false);
        return record;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyDictionary<string, IdempotencyRecord>> GetManyAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        var after = await BeforeCallAsync(StoreOperations.GetMany, null, cancellationToken).ConfigureAwait(false);
        var records = await Inner.GetManyAsync(keys, cancellationToken).ConfigureAwait(false);
        await AfterCallAsync(after).ConfigureAwait(false);
        return records;
    }

    // Returns the fault to raise once the real call has landed, or null. Throws for faults that hit before it.
    private async ValueTask<PlannedFault?> BeforeCallAsync(StoreOperations operation, string? key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _callsByOperation[Slot(operation)]);
        if (_outage)
        {
            throw Raise(new PlannedFault(operation, StoreFaultKind.Outage, FaultTiming.BeforeWrite, key, TimeSpan.Zero));
        }

        var planned = Plan(operation, key);
        if (planned is null)
        {
            return null;
        }

        if (planned.Timing == FaultTiming.BeforeWrite)
        {
            await DelayAsync(planned.Delay, cancellationToken).ConfigureAwait(false);
            throw Raise(planned);
        }

        return planned;
    }

    private async ValueTask AfterCallAsync(PlannedFault? planned)
    {
        if (planned is null)
        {
            return;
        }

        // The write landed; the delay is not cancellable because the caller must not learn that it did.
        await DelayAsync(planned.Delay, CancellationToken.None).ConfigureAwait(false);
        throw Raise(planned);
    }

    private PlannedFault? Plan(StoreOperations operation, string? key)
    {
        if (!RulesEnabled)
        {
            return null;
        }

        foreach (var state in Volatile.Read(ref _rules))
        {
            var rule = state.Rule;
            if ((rule.Operations & operation) == 0)
            {
                continue;
            }

            if (rule.KeyFilter is not null && (key is null || !rule.KeyFilter(key)))
            {
                continue;
            }

            bool fires;
            FaultTiming timing;
            lock (_randomLock)
            {
                fires = rule.Probability >= 1.0 || _random.NextDouble() < rule.Probability;
                timing = rule.Timing == FaultTiming.Either
                    ? (_random.Next(2) == 0 ? FaultTiming.BeforeWrite : FaultTiming.AfterWrite)
                    : rule.Timing;
            }

            if (!fires || !state.TryConsume())
            {
                continue;
            }

            // A read has nothing to land: "after the write" for a read is just a read whose answer is lost.
            return new PlannedFault(operation, rule.Kind, timing, key, rule.Delay);
        }

        return null;
    }

    private IdempotencyPersistenceException Raise(PlannedFault planned)
    {
        var fault = new InjectedStoreFault(planned.Operation, planned.Kind, planned.Timing, planned.Key, _timeProvider.GetUtcNow());
        _log.Enqueue(fault);
        Interlocked.Increment(ref _faultCount);
        Interlocked.Increment(ref _faultsByOperation[Slot(planned.Operation)]);
        Interlocked.Increment(ref _faultsByKind[(int)planned.Kind]);

        var cause = planned.Kind == StoreFaultKind.Timeout ? new TimeoutException("The injected store call timed out.") : null;
        var injected = new InjectedStoreFaultException(fault, cause);
        return new IdempotencyPersistenceException($"The idempotency store failed during {planned.Operation}: {injected.Message}", injected);
    }

    private async ValueTask DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private static int Slot(StoreOperations operation) => BitOperations.Log2((uint)operation);

    private sealed record PlannedFault(StoreOperations Operation, StoreFaultKind Kind, FaultTiming Timing, string? Key, TimeSpan Delay);

    private sealed class RuleState(StoreFaultRule rule)
    {
        private int _fired;

        public StoreFaultRule Rule { get; } = rule;

        public bool TryConsume()
        {
            if (Rule.MaxFaults is not { } max)
            {
                Interlocked.Increment(ref _fired);
                return true;
            }

            while (true)
            {
                var fired = Volatile.Read(ref _fired);
                if (fired >= max)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref _fired, fired + 1, fired) == fired)
                {
                    return true;
                }
            }
        }
    }
}
