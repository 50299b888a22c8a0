using Amazon.SQS;
using IdempotentConsumer.Hosting.DependencyInjection;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Reliability.Tests.Storm;
using IdempotentConsumer.Reliability.Tests.Support;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using IdempotentConsumer.Testing.Faults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Reliability.Tests.Transport;

/// <summary>
/// The extended storm through the hosted worker on fauxqs (issue 10): a receive budget of 3 with a dead-letter queue
/// and crashing consumers, handlers that outlive RecordExpiry, and a store that fails lease extensions.
/// </summary>
[Collection(EmulatorCollections.Fauxqs)]
public sealed class WorkerExtendedStormTests(FauxqsFixture fauxqs, ITestOutputHelper output)
{
    [Fact]
    public async Task Given_maxReceiveCount_3_with_a_dead_letter_queue_and_holders_crashing_mid_handler_When_two_workers_drain_the_queue_Then_each_order_ships_once_and_nothing_unprocessed_is_dead_lettered()
    {
        var storm = new TransportStorm(orders: 60, seed: StormSeed.Next(), crashRate: 0.10, storeFaultRate: 0, crashOncePerOrder: true);
        using var admin = fauxqs.CreateSqsClient();
        var deadLetters = await FauxqsQueues.CreateAsync(admin, "worker-dlq", visibilitySeconds: 2);
        var queue = await FauxqsQueues.CreateAsync(admin, "worker-budget", visibilitySeconds: 2, await FauxqsQueues.ArnAsync(admin, deadLetters), maxReceiveCount: 3);
        await storm.SendAsync(admin, queue, duplicateRate: 0.30);

        await RunWorkersAsync(storm, queue, admin, hasDeadLetterQueue: true);
        await storm.CountDeadLettersAsync(admin, deadLetters);
        output.WriteLine(storm.ToString());

        storm.AssertEffectivelyOnce();
        Assert.True(storm.Crashes > 0, storm.ToString());
    }

    [Fact]
    public async Task Given_handlers_that_outlive_RecordExpiry_while_the_heartbeat_extends_their_lease_Then_no_duplicate_runs_an_order_beside_its_live_holder()
    {
        var storm = new TransportStorm(orders: 24, seed: StormSeed.Next(), crashRate: 0, storeFaultRate: 0, slowRate: 1.0, slowFor: TimeSpan.FromSeconds(3));
        using var admin = fauxqs.CreateSqsClient();
        var queue = await FauxqsQueues.CreateAsync(admin, "worker-outlive", visibilitySeconds: 2);
        await storm.SendAsync(admin, queue, duplicateRate: 0.5);

        await RunWorkersAsync(storm, queue, admin, recordExpiry: TimeSpan.FromSeconds(1));
        output.WriteLine(storm.ToString());

        storm.AssertEffectivelyOnce();
        Assert.True(storm.SlowRuns >= storm.Orders.Count && storm.DuplicateSends > 0, storm.ToString());
    }

    [Fact]
    public async Task Given_a_store_that_fails_lease_extensions_under_long_handlers_Then_a_lease_that_cannot_be_kept_stops_its_handler_and_no_two_handlers_run_one_order()
    {
        var storm = new TransportStorm(orders: 24, seed: StormSeed.Next(), crashRate: 0, storeFaultRate: 0, slowRate: 1.0, slowFor: TimeSpan.FromSeconds(3));
        storm.Faults.Inject(StoreOperations.ExtendLease, StoreFaultKind.Error, 0.5, FaultTiming.Either);
        using var admin = fauxqs.CreateSqsClient();
        var queue = await FauxqsQueues.CreateAsync(admin, "worker-extend-faults", visibilitySeconds: 2);
        await storm.SendAsync(admin, queue, duplicateRate: 0.5);

        await RunWorkersAsync(storm, queue, admin);
        output.WriteLine(storm.ToString());

        storm.AssertEffectivelyOnce();
        Assert.True(storm.Faults.CountInjected(StoreOperations.ExtendLease) > 0, storm.ToString());
    }

    private async Task RunWorkersAsync(TransportStorm storm, string queue, IAmazonSQS admin, bool hasDeadLetterQueue = false, TimeSpan? recordExpiry = null)
    {
        var hosts = new[] { BuildWorker(storm, queue, 0, recordExpiry), BuildWorker(storm, queue, 1, recordExpiry) };
        try
        {
            await Task.WhenAll(hosts.Select(h => h.StartAsync()));
            await storm.WaitUntilDrainedAsync(admin, queue, TimeSpan.FromSeconds(25), hasDeadLetterQueue);
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.StopAsync();
                host.Dispose();
            }
        }
    }

    private IHost BuildWorker(TransportStorm storm, string queue, int index, TimeSpan? recordExpiry)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(new FailureLogCapture((_, error) => storm.RecordFailure(error)));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(3));
        builder.Services.AddSingleton<IAmazonSQS>(_ => new AmazonSQSClient(AwsTestCredentials.Credentials, fauxqs.CreateSqsConfig()));
        builder.Services.AddSingleton(storm);
        builder.Services.AddSingleton<IIdempotencyStore>(storm.Store);
        builder.Services
            .AddSqsConsumer<Order, ExtendedStormShipHandler>(o =>
            {
                o.QueueUrl = queue;
                o.Name = $"extended-storm-worker-{index}";
                o.MaxConcurrency = 4;
                o.VisibilityTimeout = TimeSpan.FromSeconds(2);
                o.WaitTimeSeconds = 1;
                o.Redelivery.InitialDelay = TimeSpan.FromSeconds(1);
                o.Redelivery.InProgressDelay = TimeSpan.FromSeconds(1);
                o.Redelivery.MaxDelay = TimeSpan.FromSeconds(2);
                o.HandBackTimeout = TimeSpan.FromSeconds(2);
                o.Idempotency.ThrowOnMissingKey = true;
                o.Idempotency.KeyPrefix = "extended-storm-worker";
                if (recordExpiry is { } expiry)
                {
                    o.Idempotency.RecordExpiry = expiry;
                }
            })
            .WithKey(o => o.OrderId)
            .WithoutRetry();
        return builder.Build();
    }

    /// <summary>The worker's handler, resolved per message from DI: the storm's shipping side effect.</summary>
    private sealed class ExtendedStormShipHandler(TransportStorm storm) : IMessageHandler<Order>
    {
        public ValueTask HandleAsync(Order message, MessageContext<Order> context, CancellationToken cancellationToken) =>
            storm.HandleAsync(message, context, cancellationToken);
    }
}
