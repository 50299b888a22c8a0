using IdempotentConsumer.Hosting.DependencyInjection;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Reliability.Tests.Storm;
using IdempotentConsumer.Reliability.Tests.Support;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Amazon.SQS;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Reliability.Tests.Transport;

/// <summary>
/// The storm through the hosted worker: two worker hosts of four concurrent messages each (eight consumers)
/// poll one fauxqs queue; failures are backed off with ChangeMessageVisibility and come back.
/// </summary>
[Collection(EmulatorCollections.Fauxqs)]
public sealed class WorkerStormTests(FauxqsFixture fauxqs, ITestOutputHelper output)
{
    [Fact]
    public async Task Given_duplicate_sends_lost_deletes_crashes_after_shipping_and_store_faults_When_two_workers_of_four_drain_the_queue_Then_no_order_ships_twice_and_none_is_lost()
    {
        var storm = new TransportStorm(orders: 200, seed: StormSeed.Next(), crashRate: 0.05, storeFaultRate: 0.01);
        using var admin = fauxqs.CreateSqsClient();
        var queue = await FauxqsQueues.CreateAsync(admin, "worker-storm", visibilitySeconds: 2);
        await storm.SendAsync(admin, queue, duplicateRate: 0.30);

        var hosts = new[] { BuildWorker(storm, queue, 0), BuildWorker(storm, queue, 1) };
        try
        {
            await Task.WhenAll(hosts.Select(h => h.Host.StartAsync()));
            await storm.WaitUntilDrainedAsync(admin, queue, TimeSpan.FromSeconds(120));
        }
        finally
        {
            await StopAsync(hosts);
        }

        output.WriteLine($"{storm}; lost deletes {hosts.Sum(h => h.Client.LostDeletes)}");
        storm.AssertEffectivelyOnce();
        Assert.True(storm.Crashes > 0 && storm.Faults.InjectedFaultCount > 0 && storm.DuplicateSends > 0, storm.ToString());
    }

    [Fact]
    public async Task Given_a_store_outage_while_workers_poll_Then_nothing_runs_on_a_refused_begin_messages_stay_queued_and_all_ship_once_after()
    {
        var storm = new TransportStorm(orders: 120, seed: StormSeed.Next(), crashRate: 0, storeFaultRate: 0);
        using var admin = fauxqs.CreateSqsClient();
        var queue = await FauxqsQueues.CreateAsync(admin, "worker-outage", visibilitySeconds: 2);
        storm.Faults.StartOutage();
        await storm.SendAsync(admin, queue, duplicateRate: 0.30);

        var hosts = new[] { BuildWorker(storm, queue, 0), BuildWorker(storm, queue, 1) };
        int queuedDuringOutage, invocationsDuringOutage;
        try
        {
            await Task.WhenAll(hosts.Select(h => h.Host.StartAsync()));
            await Task.Delay(TimeSpan.FromSeconds(2));
            queuedDuringOutage = await FauxqsQueues.CountAsync(admin, queue);
            invocationsDuringOutage = storm.HandlerInvocations;
            storm.Faults.EndOutage();
            await storm.WaitUntilDrainedAsync(admin, queue, TimeSpan.FromSeconds(90));
        }
        finally
        {
            await StopAsync(hosts);
        }

        output.WriteLine(storm.ToString());
        Assert.Equal(0, invocationsDuringOutage);
        Assert.Equal(storm.Orders.Count + storm.DuplicateSends, queuedDuringOutage);
        Assert.True(storm.FailuresByType.ContainsKey("IdempotencyPersistenceException"), storm.ToString());
        Assert.Equal(0, storm.FailOpenRuns);
        storm.AssertEffectivelyOnce();
    }

    private (IHost Host, LossySqsClient Client) BuildWorker(TransportStorm storm, string queue, int index)
    {
        var client = new LossySqsClient(AwsTestCredentials.Credentials, fauxqs.CreateSqsConfig(), lossRate: 0.05, seed: storm.Seed + index);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(new FailureLogCapture((_, error) => storm.RecordFailure(error)));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(3));
        builder.Services.AddSingleton<IAmazonSQS>(client);
        builder.Services.AddSingleton(storm);
        builder.Services.AddSingleton<IIdempotencyStore>(storm.Store);
        builder.Services
            .AddSqsConsumer<Order, StormShipHandler>(o =>
            {
                o.QueueUrl = queue;
                o.Name = "storm-worker";
                o.MaxConcurrency = 4;
                o.VisibilityTimeout = TimeSpan.FromSeconds(2);
                o.WaitTimeSeconds = 1;
                o.Redelivery.InitialDelay = TimeSpan.FromSeconds(1);
                o.Redelivery.InProgressDelay = TimeSpan.FromSeconds(1);
                o.Redelivery.MaxDelay = TimeSpan.FromSeconds(2);
                o.HandBackTimeout = TimeSpan.FromSeconds(2);
                o.Idempotency.ThrowOnMissingKey = true;
            })
            .WithKey(o => o.OrderId)
            .WithoutRetry();
        return (builder.Build(), client);
    }

    private static async Task StopAsync(IEnumerable<(IHost Host, LossySqsClient Client)> hosts)
    {
        foreach (var (host, client) in hosts)
        {
            await host.StopAsync();
            host.Dispose();
            client.Dispose();
        }
    }

    /// <summary>The worker's handler, resolved per message from DI: the storm's shipping side effect.</summary>
    private sealed class StormShipHandler(TransportStorm storm) : IMessageHandler<Order>
    {
        public ValueTask HandleAsync(Order message, MessageContext<Order> context, CancellationToken cancellationToken) =>
            storm.HandleAsync(message, context, cancellationToken);
    }
}
