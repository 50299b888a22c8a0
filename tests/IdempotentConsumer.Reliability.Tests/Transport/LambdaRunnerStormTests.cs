using IdempotentConsumer.Lambda.LocalRunner;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Reliability.Tests.Storm;
using IdempotentConsumer.Reliability.Tests.Support;
using IdempotentConsumer.TestInfrastructure;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Reliability.Tests.Transport;

/// <summary>
/// The storm through the Lambda adapter: eight local event source mappings (eight concurrent function
/// instances) poll one fauxqs queue and invoke the SQS batch processor; failures become batch item failures
/// and come back after the visibility timeout.
/// </summary>
[Collection(EmulatorCollections.Fauxqs)]
public sealed class LambdaRunnerStormTests(FauxqsFixture fauxqs, ITestOutputHelper output)
{
    private const int Instances = 8;

    [Fact]
    public async Task Given_duplicate_sends_lost_deletes_crashes_after_shipping_and_store_faults_When_eight_function_instances_drain_the_queue_Then_no_order_ships_twice_and_none_is_lost()
    {
        var storm = new TransportStorm(orders: 200, seed: StormSeed.Next(), crashRate: 0.05, storeFaultRate: 0.01);
        using var admin = fauxqs.CreateSqsClient();
        var queue = await FauxqsQueues.CreateAsync(admin, "lambda-storm", visibilitySeconds: 2);
        await storm.SendAsync(admin, queue, duplicateRate: 0.30);

        var lostDeletes = await RunMappingsUntilDrainedAsync(storm, queue, admin);
        output.WriteLine($"{storm}; lost deletes {lostDeletes}");

        storm.AssertEffectivelyOnce();
        Assert.True(storm.Crashes > 0 && storm.Faults.InjectedFaultCount > 0 && storm.DuplicateSends > 0, storm.ToString());
    }

    [Fact]
    public async Task Given_a_store_outage_while_function_instances_poll_Then_nothing_runs_on_a_refused_begin_messages_stay_queued_and_all_ship_once_after()
    {
        var storm = new TransportStorm(orders: 120, seed: StormSeed.Next(), crashRate: 0, storeFaultRate: 0);
        using var admin = fauxqs.CreateSqsClient();
        var queue = await FauxqsQueues.CreateAsync(admin, "lambda-outage", visibilitySeconds: 2);
        storm.Faults.StartOutage();
        await storm.SendAsync(admin, queue, duplicateRate: 0.30);

        using var stop = new CancellationTokenSource();
        var mappings = StartMappings(storm, queue, stop.Token, out _);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var queuedDuringOutage = await FauxqsQueues.CountAsync(admin, queue);
        var invocationsDuringOutage = storm.HandlerInvocations;
        storm.Faults.EndOutage();
        await storm.WaitUntilDrainedAsync(admin, queue, TimeSpan.FromSeconds(90));
        await stop.CancelAsync();
        await Task.WhenAll(mappings);
        output.WriteLine(storm.ToString());

        Assert.Equal(0, invocationsDuringOutage);
        Assert.Equal(storm.Orders.Count + storm.DuplicateSends, queuedDuringOutage);
        Assert.True(storm.Faults.CountInjected(Testing.Faults.StoreFaultKind.Outage) > 0);
        Assert.True(storm.FailuresByType.ContainsKey("IdempotencyPersistenceException"), storm.ToString());
        Assert.Equal(0, storm.FailOpenRuns);
        storm.AssertEffectivelyOnce();
    }

    private async Task<int> RunMappingsUntilDrainedAsync(TransportStorm storm, string queue, Amazon.SQS.IAmazonSQS admin)
    {
        using var stop = new CancellationTokenSource();
        var mappings = StartMappings(storm, queue, stop.Token, out var clients);
        try
        {
            await storm.WaitUntilDrainedAsync(admin, queue, TimeSpan.FromSeconds(120));
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(mappings);
        }

        return clients.Sum(c => c.LostDeletes);
    }

    private List<Task> StartMappings(TransportStorm storm, string queue, CancellationToken stop, out List<LossySqsClient> clients)
    {
        var processor = SqsBatchProcessor.For<Order>("storm-lambda")
            .WithStore(storm.Store)
            .WithKey(o => o.OrderId)
            .WithIdempotency(o => o.ThrowOnMissingKey = true)
            .WithoutRetry()
            .WithLoggerFactory(NullLoggerFactory.Instance)
            .Handle((order, context, ct) => storm.HandleAsync(order, context, ct));

        clients = [];
        var tasks = new List<Task>();
        for (var i = 0; i < Instances; i++)
        {
            var client = new LossySqsClient(AwsTestCredentials.Credentials, fauxqs.CreateSqsConfig(), lossRate: 0.05, seed: storm.Seed + i);
            clients.Add(client);
            var mapping = new LocalEventSourceMapping(
                client,
                new LocalEventSourceMappingOptions { QueueUrl = queue, BatchSize = 10, WaitTimeSeconds = 1, FunctionTimeout = TimeSpan.FromSeconds(4) },
                async (sqsEvent, context) =>
                {
                    var batch = await processor.ProcessBatchAsync(sqsEvent, context);
                    foreach (var failure in batch.Failures)
                    {
                        storm.RecordFailure(failure.Error);
                    }

                    return batch.Response;
                },
                functionLogger: new QuietLambdaLogger());
            tasks.Add(Task.Run(() => mapping.RunAsync(stop), CancellationToken.None));
        }

        return tasks;
    }
}
