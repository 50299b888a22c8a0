using System.Diagnostics;
using OrderShipping.Demo.Consumers;
using OrderShipping.Demo.Options;
using OrderShipping.Demo.Queues;
using OrderShipping.Demo.Reporting;
using OrderShipping.Demo.Scenario;
using OrderShipping.Demo.Stores;
using OrderShipping.Demo.Transport;
using OrderShipping.Shipping;

namespace OrderShipping.Demo;

/// <summary>
/// Runs the story: the producer sends, the consumers (the deployed worker, or the Lambda batch processor behind the
/// local event source mapping) ship, the faults strike; then counts shipments per order.
/// </summary>
internal sealed class DemoRunner
{
    public DemoRunner(DemoOptions options)
    {
        Options = options;
        Plan = ScenarioPlan.Create(options);
        Timings = DemoTimings.Default;

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
        // The library's own meters report this run's outcomes (every consumer started below inherits the context).
        LibraryMeters.CountInto(Statistics);
        var stopwatch = Stopwatch.StartNew();
        await using var store = await DemoStoreFactory.CreateAsync(Options, cancellationToken).ConfigureAwait(false);
        await using var queue = await CreateQueueAsync(cancellationToken).ConfigureAwait(false);
        var environment = new ConsumerEnvironment(
            queue.QueueUrl,
            queue.QueueArn,
            new CountingTransport(queue.Transport, Statistics),
            store.Store,
            ShippingApi,
            new FaultInjector(Plan, Timings),
            Timings,
            Options.Idempotency,
            KeyPrefix,
            KeyFromAttribute: Options.Fifo);
        Func<string, CancellationToken, Task<IConsumerProcess>> startProcess = Options.Consumer == ConsumerKind.Lambda
            ? (name, ct) => LambdaConsumer.StartAsync(name, environment, ct)
            : (name, ct) => ConsumerProcess.StartAsync(name, environment, ct);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Options.Timeout);
        using var stopConsumers = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        var consumers = Enumerable.Range(1, Options.Consumers)
            .Select(number => new ConsumerSupervisor(number, startProcess, Statistics))
            .Select(consumer => Task.Run(() => consumer.RunAsync(stopConsumers.Token), CancellationToken.None))
            .ToList();

        var timedOut = false;
        try
        {
            await new OrderProducer(queue, Statistics, Options.Fifo ? FifoSending.CreateSender(queue, KeyPrefix) : null).SendAllAsync(Plan, deadline.Token).ConfigureAwait(false);
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
        return BuildReport(store.Description, $"{queue.Description}, {ConsumerDescription}", stopwatch.Elapsed, timedOut);
    }

    private string ConsumerDescription => Options.Consumer == ConsumerKind.Lambda
        ? "Lambda batch processor (local event source mapping)"
        : "hosted worker (AddSqsConsumer)";

    private async Task<IDemoQueue> CreateQueueAsync(CancellationToken cancellationToken) => Options.Queue switch
    {
        QueueKind.Sqs => await SqsDemoQueue.CreateAsync(Options.SqsUrl, Timings.VisibilityTimeout, Options.Fifo, cancellationToken).ConfigureAwait(false),
        _ => InProcessDemoQueue.Create(Timings.VisibilityTimeout, Options.Fifo),
    };

    private async Task WaitUntilDrainedAsync(IDemoQueue queue, CancellationToken cancellationToken)
    {
        while (true)
        {
            // The cheap local count first; the queue's own word decides.
            if (Statistics.Settled >= Statistics.Enqueued && await queue.IsDrainedAsync(cancellationToken).ConfigureAwait(false))
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
            SendsDeduplicatedByQueue = Statistics.SendsDeduplicatedByQueue,
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
