using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OrderShipping.Demo.Consumers;
using OrderShipping.Demo.Options;
using OrderShipping.Demo.Queues;
using OrderShipping.Demo.Reporting;
using OrderShipping.Demo.Scenario;
using OrderShipping.Demo.Stores;
using OrderShipping.Shipping;

namespace OrderShipping.Demo;

/// <summary>Runs the story: the producer sends, the consumers ship, the faults strike; then counts shipments per order.</summary>
internal sealed class DemoRunner
{
    public DemoRunner(DemoOptions options)
    {
        Options = options;
        Plan = ScenarioPlan.Create(options);
        Timings = DemoTimings.For(options.Queue);

        // Without idempotency the carrier must not deduplicate either, or the comparison would prove nothing.
        ShippingApi = new FakeShippingApi(Timings.ShippingLatency, honourIdempotencyKey: options.Idempotency);
    }

    public DemoOptions Options { get; }

    public ScenarioPlan Plan { get; }

    public DemoTimings Timings { get; }

    public FakeShippingApi ShippingApi { get; }

    public DemoStatistics Statistics { get; } = new();

    /// <summary>
    /// Every run is a new day in a new shop: its own key prefix, so a DynamoDB table shared across runs
    /// does not answer this run's ORD-000001 with the previous run's shipment.
    /// </summary>
    public string KeyPrefix { get; } = $"{OrderShippingIdempotency.KeyPrefix}-demo-{Guid.NewGuid():N}";

    public async Task<DemoReport> RunAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var store = await DemoStoreFactory.CreateAsync(Options, cancellationToken).ConfigureAwait(false);
        await using var queue = await CreateQueueAsync(cancellationToken).ConfigureAwait(false);
        await using var services = new ServiceCollection().AddSingleton<IShippingApi>(ShippingApi).BuildServiceProvider();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Options.Timeout);
        using var stopConsumers = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);

        var faults = new FaultInjector(Plan, Timings);
        var consumers = Enumerable.Range(1, Options.Consumers)
            .Select(number => new ConsumerLoop(
                number,
                queue,
                name => new ConsumerProcess(name, store.Store, ShippingApi, faults, Options.Idempotency, Timings.Lease, KeyPrefix),
                Statistics,
                Timings,
                services))
            .Select(consumer => Task.Run(() => consumer.RunAsync(stopConsumers.Token), CancellationToken.None))
            .ToList();

        var timedOut = false;
        try
        {
            await new OrderProducer(queue, Statistics).SendAllAsync(Plan, deadline.Token).ConfigureAwait(false);
            await WaitUntilDrainedAsync(queue, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            timedOut = true;
        }
        finally
        {
            await stopConsumers.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(consumers).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return BuildReport(store.Description, queue.Description, stopwatch.Elapsed, timedOut);
    }

    private async Task<IOrderQueue> CreateQueueAsync(CancellationToken cancellationToken) => Options.Queue switch
    {
        QueueKind.Sqs => await SqsOrderQueue.CreateAsync(Options.SqsUrl, Timings.VisibilityTimeout, cancellationToken).ConfigureAwait(false),
        _ => new InProcessOrderQueue(Timings.VisibilityTimeout),
    };

    private async Task WaitUntilDrainedAsync(IOrderQueue queue, CancellationToken cancellationToken)
    {
        while (true)
        {
            // The cheap local count first; the queue's own word decides (a stale-handle delete may have removed nothing).
            if (Statistics.Settled >= Statistics.Sent && await queue.IsDrainedAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);
        }
    }

    private DemoReport BuildReport(string storeDescription, string queueDescription, TimeSpan elapsed, bool timedOut)
    {
        var shipments = ShippingApi.ShipmentsPerOrder();
        return new DemoReport
        {
            Options = Options,
            StoreDescription = storeDescription,
            QueueDescription = queueDescription,
            Elapsed = elapsed,
            TimedOut = timedOut,
            Orders = Plan.Orders.Count,
            MessagesSent = Statistics.Sent,
            DuplicateSends = Statistics.DuplicateSends,
            Deliveries = Statistics.Deliveries,
            Redeliveries = Statistics.Redeliveries,
            Crashes = Statistics.Crashes,
            Executions = Statistics.Executions,
            Replays = Statistics.Replays,
            InProgressRejections = Statistics.InProgressRejections,
            ShippingCalls = ShippingApi.CallCount,
            IdempotencyKeyHits = ShippingApi.IdempotencyKeyHits,
            Shipments = ShippingApi.ShipmentCount,
            DoubleShipped = shipments.Where(pair => pair.Value > 1).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal),
            Lost = Plan.Orders.Select(plan => plan.Order.OrderId).Where(id => !shipments.ContainsKey(id)).ToList(),
        };
    }
}
