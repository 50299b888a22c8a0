using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Amazon.SQS;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Reliability.Tests.Support;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Testing.Faults;
using Xunit;

namespace IdempotentConsumer.Reliability.Tests.Transport;

/// <summary>
/// The order-shipping storm on a real SQS protocol (fauxqs), shared by the Lambda runner and the worker:
/// the producer sends every order plus duplicate sends, the handler ships through a key-honouring API and
/// sometimes crashes right after shipping, the store fails now and then (or goes down), deletes get lost.
/// Counts raw handler invocations apart from shipments, and every failure by type.
/// </summary>
internal sealed class TransportStorm
{
    private readonly Random _random;
    private readonly Lock _sync = new();
    private readonly double _crashRate;
    private readonly double _slowRate;
    private readonly bool _crashOncePerOrder;
    private readonly ConcurrentDictionary<string, byte> _crashedOrders = new(StringComparer.Ordinal);
    private readonly TimeSpan _slowFor;
    private readonly ConcurrentDictionary<string, int> _failuresByType = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _untyped = new();
    private int _invocations;
    private int _crashes;
    private int _failOpen;
    private int _duplicateSends;
    private int _overlaps;
    private int _slowRuns;
    private readonly ConcurrentDictionary<string, int> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _keysByOrder = new(StringComparer.Ordinal);
    private int _cancelled;

    public TransportStorm(int orders, int seed, double crashRate, double storeFaultRate, IIdempotencyStore? store = null, double slowRate = 0, TimeSpan slowFor = default, bool crashOncePerOrder = false)
    {
        _crashOncePerOrder = crashOncePerOrder;
        _slowRate = slowRate;
        _slowFor = slowFor;
        Seed = seed;
        _random = new Random(seed);
        _crashRate = crashRate;
        Orders = Enumerable.Range(0, orders).Select(Order.Numbered).ToList();
        Faults = new FaultInjectingIdempotencyStore(store ?? new InMemoryIdempotencyStore(), seed);
        if (storeFaultRate > 0)
        {
            // Two completions that land but are reported failed, so every run has store faults, then the random rate.
            Faults.FailNext(StoreOperations.Complete, 2, StoreFaultKind.Timeout, FaultTiming.AfterWrite);
            Faults.Inject(StoreOperations.All, StoreFaultKind.Throttling, storeFaultRate / 2, FaultTiming.Either);
            Faults.Inject(StoreOperations.All, StoreFaultKind.Timeout, storeFaultRate / 2, FaultTiming.Either);
        }

        Probe = new StoreProbe(Faults, () => Faults.IsOutage);
    }

    public int Seed { get; }

    public IReadOnlyList<Order> Orders { get; }

    public ShippingApi Shipping { get; } = new();

    public FaultInjectingIdempotencyStore Faults { get; }

    /// <summary>The store the consumers use.</summary>
    public IIdempotencyStore Store => Probe;

    public StoreProbe Probe { get; }

    public int HandlerInvocations => Volatile.Read(ref _invocations);

    public int Crashes => Volatile.Read(ref _crashes);

    /// <summary>Handler runs on a begin that went out while the store was down (fail-open): must stay 0.</summary>
    public int FailOpenRuns => Volatile.Read(ref _failOpen);

    public int DuplicateSends => Volatile.Read(ref _duplicateSends);

    public IReadOnlyDictionary<string, int> FailuresByType => _failuresByType;

    /// <summary>Handler runs that began while another live run of the same order was still in its handler: two holders of one key.</summary>
    public int OverlappingRuns => Volatile.Read(ref _overlaps);

    /// <summary>Handler runs that took the slow duration before shipping.</summary>
    public int SlowRuns => Volatile.Read(ref _slowRuns);

    /// <summary>Sends the queue moved to its dead-letter queue (set by <see cref="CountDeadLettersAsync"/>).</summary>
    public int DeadLettered { get; private set; }

    /// <summary>Dead-lettered orders that never shipped: work the DLQ holds that nobody did.</summary>
    public int DeadLetteredUnprocessed { get; private set; }

    /// <summary>Orders shipped more than once.</summary>
    public int DoubleEffects => Shipping.ShipmentsByOrder.Count(o => o.Value > 1);

    /// <summary>Orders never shipped.</summary>
    public int Lost => Orders.Count(o => !Shipping.ShipmentsByOrder.ContainsKey(o.OrderId));

    public int UntypedFailures => _untyped.Count;

    /// <summary>Sends every order once, plus a duplicate send (new message id) of <paramref name="duplicateRate"/> of them, a little later.</summary>
    public async Task SendAsync(IAmazonSQS sqs, string queueUrl, double duplicateRate)
    {
        var sends = new List<(double Position, string Body)>();
        for (var i = 0; i < Orders.Count; i++)
        {
            var body = JsonSerializer.Serialize(Orders[i], JsonSerializerOptions.Web);
            sends.Add((i, body));
            if (Roll(duplicateRate))
            {
                sends.Add((i + (NextDouble() * 20), body));
                Interlocked.Increment(ref _duplicateSends);
            }
        }

        await FauxqsQueues.SendAsync(sqs, queueUrl, [.. sends.OrderBy(s => s.Position).Select(s => s.Body)]);
    }

    /// <summary>The handler: sometimes slow, ship with the key, and sometimes die right after shipping.</summary>
    public async ValueTask HandleAsync(Order order, MessageContext<Order> context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _invocations);
        var lease = context.Lease ?? throw new InvalidOperationException("The storm's handler ran without idempotency.");
        if (Probe.BegunDuringOutage(lease.OwnerToken))
        {
            Interlocked.Increment(ref _failOpen);
        }

        _keysByOrder.TryAdd(order.OrderId, lease.Key);
        if (_running.AddOrUpdate(order.OrderId, 1, static (_, n) => n + 1) > 1)
        {
            Interlocked.Increment(ref _overlaps);
        }

        try
        {
            if (Roll(_slowRate))
            {
                Interlocked.Increment(ref _slowRuns);
                await Task.Delay(_slowFor, cancellationToken);
            }

            await ShipOrCrashAsync(order, context, lease, cancellationToken);
        }
        finally
        {
            _running.AddOrUpdate(order.OrderId, 0, static (_, n) => n - 1);
        }
    }

    private async ValueTask ShipOrCrashAsync(Order order, MessageContext<Order> context, IdempotentConsumer.Execution.IdempotencyLease lease, CancellationToken cancellationToken)
    {
        await Shipping.ShipAsync(order.OrderId, context.IdempotencyKey!, cancellationToken);
        // With a small receive budget, one crash per order: a second crash of the holder that took over would spend the
        // budget legitimately (crash, wait, crash) and say nothing about the consumer.
        if (Roll(_crashRate) && (!_crashOncePerOrder || _crashedOrders.TryAdd(order.OrderId, 0)))
        {
            Interlocked.Increment(ref _crashes);
            Probe.Kill(lease.OwnerToken);
            throw new SimulatedConsumerCrashException($"Consumer crashed after shipping {order.OrderId}, before completing it.");
        }
    }

    /// <summary>Counts a failed delivery: typed framework errors, the simulated crashes, and anything else.</summary>
    public void RecordFailure(Exception? error)
    {
        if (error is SimulatedConsumerCrashException)
        {
            return; // counted as a crash
        }

        if (error is OperationCanceledException)
        {
            Interlocked.Increment(ref _cancelled); // the consumer stopped the handler (its lease could not be kept)
            return;
        }

        var name = error?.GetType().Name ?? "(none)";
        _failuresByType.AddOrUpdate(name, 1, static (_, n) => n + 1);
        if (error is not IdempotencyException)
        {
            _untyped.Enqueue($"{name}: {error?.Message}");
        }
    }

    /// <summary>Counts a failure logged by name (the worker reports failures through its log).</summary>
    public void RecordFailure(string errorType, bool isTyped)
    {
        if (errorType == nameof(SimulatedConsumerCrashException))
        {
            return;
        }

        if (errorType is nameof(OperationCanceledException) or nameof(TaskCanceledException))
        {
            Interlocked.Increment(ref _cancelled);
            return;
        }

        _failuresByType.AddOrUpdate(errorType, 1, static (_, n) => n + 1);
        if (!isTyped)
        {
            _untyped.Enqueue(errorType);
        }
    }

    /// <summary>
    /// Waits until every order shipped and the queue is empty; with a dead-letter queue, also returns once the queue
    /// stayed empty for 3 s (what it moved to the DLQ will not come back), for the assertions to name what was lost.
    /// </summary>
    public async Task WaitUntilDrainedAsync(IAmazonSQS sqs, string queueUrl, TimeSpan timeout, bool hasDeadLetterQueue = false)
    {
        var deadline = DateTime.UtcNow + timeout;
        var emptySince = (DateTime?)null;
        while (true)
        {
            var queued = await FauxqsQueues.CountAsync(sqs, queueUrl);
            emptySince = queued > 0 ? null : emptySince ?? DateTime.UtcNow;
            if (queued == 0 && (Shipping.ShipmentsByOrder.Count >= Orders.Count || (hasDeadLetterQueue && DateTime.UtcNow - emptySince > TimeSpan.FromSeconds(3))))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The storm did not drain in {timeout.TotalSeconds} s: {Shipping.ShipmentsByOrder.Count} of {Orders.Count} shipped, {await FauxqsQueues.CountAsync(sqs, queueUrl)} on the queue.{Environment.NewLine}{this}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Drains the dead-letter queue: counts its sends, and the orders among them whose key was never completed (an
    /// order shipped by a holder that crashed before completing it is still unprocessed: nothing finished it).
    /// </summary>
    public async Task CountDeadLettersAsync(IAmazonSQS sqs, string deadLetterQueueUrl)
    {
        var bodies = await FauxqsQueues.DrainAsync(sqs, deadLetterQueueUrl);
        DeadLettered = bodies.Count;
        var unprocessed = 0;
        foreach (var orderId in bodies.Values.Select(body => JsonSerializer.Deserialize<Order>(body, JsonSerializerOptions.Web)!.OrderId).Distinct(StringComparer.Ordinal))
        {
            var record = _keysByOrder.TryGetValue(orderId, out var key) ? await Faults.Inner.GetAsync(key) : null;
            if (record?.Status != IdempotentConsumer.Records.IdempotencyRecordStatus.Completed)
            {
                unprocessed++;
            }
        }

        DeadLetteredUnprocessed = unprocessed;
    }

    /// <summary>No order shipped twice, none lost, no two live runs of one order at once, nothing unprocessed dead-lettered, every failure typed.</summary>
    public void AssertEffectivelyOnce()
    {
        Assert.True(DeadLetteredUnprocessed == 0, $"Dead-lettered unprocessed orders: {DeadLetteredUnprocessed}.{Environment.NewLine}{this}");
        Assert.True(OverlappingRuns == 0, $"Two handlers ran one order at once {OverlappingRuns} times.{Environment.NewLine}{this}");
        Assert.True(Orders.All(o => Shipping.ShipmentsByOrder.TryGetValue(o.OrderId, out var n) && n == 1), $"Some order did not ship exactly once.{Environment.NewLine}{this}");
        Assert.True(UntypedFailures == 0, $"Untyped failures: {string.Join("; ", _untyped.Take(5))}{Environment.NewLine}{this}");
        Assert.True(Shipping.Calls <= HandlerInvocations, ToString()); // a handler the consumer cancelled never called the API
        Assert.True(HandlerInvocations >= Orders.Count + Crashes, $"A crashed holder's order was never run again to complete its key.{Environment.NewLine}{this}");
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"seed {Seed}: {Orders.Count} orders, {DuplicateSends} duplicate sends; handler invocations {HandlerInvocations}, crashes after shipping {Crashes}; ");
        text.Append(CultureInfo.InvariantCulture, $"store faults {Faults.InjectedFaultCount} (outage {Faults.CountInjected(StoreFaultKind.Outage)}); failures: ");
        text.Append(FailuresByType.Count == 0 ? "none" : string.Join(", ", FailuresByType.OrderByDescending(f => f.Value).Select(f => $"{f.Key} {f.Value}")));
        text.Append(CultureInfo.InvariantCulture, $"; shipped {Shipping.ShipmentsByOrder.Count}, twice {DoubleEffects}, lost {Lost}; fail-open runs {FailOpenRuns}");
        text.Append(CultureInfo.InvariantCulture, $"; slow runs {SlowRuns}, handlers cancelled {Volatile.Read(ref _cancelled)}, overlapping runs {OverlappingRuns}; dead-lettered {DeadLettered} (unprocessed {DeadLetteredUnprocessed})");
        return text.ToString();
    }

    private bool Roll(double rate)
    {
        lock (_sync)
        {
            return rate > 0 && _random.NextDouble() < rate;
        }
    }

    private double NextDouble()
    {
        lock (_sync)
        {
            return _random.NextDouble();
        }
    }
}
