using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Amazon.SQS;
using IdempotentConsumer.Lambda.Envelopes;
using IdempotentConsumer.Lambda.LocalRunner;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Reliability.Tests.Storm;
using IdempotentConsumer.Reliability.Tests.Support;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Reliability.Tests.Transport;

/// <summary>
/// The extended storm through the Lambda adapter on fauxqs (issue 10): a receive budget of 3 with a dead-letter
/// queue and crashing instances, and a mix of S3 event types on the same objects.
/// </summary>
[Collection(EmulatorCollections.Fauxqs)]
public sealed class LambdaRunnerExtendedStormTests(FauxqsFixture fauxqs, ITestOutputHelper output)
{
    private const int Instances = 4;

    /// <summary>Event types S3 sends for one object; only PUT and DELETE carry a sequencer.</summary>
    private static readonly (string Name, bool HasSequencer)[] S3EventTypes =
    [
        ("ObjectCreated:Put", true),
        ("ObjectTagging:Put", false),
        ("ObjectAcl:Put", false),
        ("ObjectRestore:Post", false),
        ("ObjectRestore:Completed", false),
        ("LifecycleTransition", false),
        ("Replication:OperationCompletedReplication", false),
        ("LifecycleExpiration:Delete", true),
    ];

    [Fact]
    public async Task Given_maxReceiveCount_3_with_a_dead_letter_queue_and_instances_crashing_mid_handler_Then_each_order_ships_once_and_nothing_unprocessed_is_dead_lettered()
    {
        var storm = new TransportStorm(orders: 60, seed: StormSeed.Next(), crashRate: 0.10, storeFaultRate: 0, crashOncePerOrder: true);
        using var admin = fauxqs.CreateSqsClient();
        var deadLetters = await FauxqsQueues.CreateAsync(admin, "lambda-dlq", visibilitySeconds: 2);
        var queue = await FauxqsQueues.CreateAsync(admin, "lambda-budget", visibilitySeconds: 2, await FauxqsQueues.ArnAsync(admin, deadLetters), maxReceiveCount: 3);
        await storm.SendAsync(admin, queue, duplicateRate: 0.30);

        var processor = SqsBatchProcessor.For<Order>("storm-lambda-budget")
            .WithStore(storm.Store)
            .WithKey(o => o.OrderId)
            .WithIdempotency(o => o.ThrowOnMissingKey = true)
            .WithoutRetry()
            .WithLoggerFactory(NullLoggerFactory.Instance)
            .Handle((order, context, ct) => storm.HandleAsync(order, context, ct));
        await RunMappingsAsync(queue, processor, storm.RecordFailure, () => storm.WaitUntilDrainedAsync(admin, queue, TimeSpan.FromSeconds(25), hasDeadLetterQueue: true));
        await storm.CountDeadLettersAsync(admin, deadLetters);
        output.WriteLine(storm.ToString());

        storm.AssertEffectivelyOnce();
        Assert.True(storm.Crashes > 0, storm.ToString());
    }

    [Fact]
    public async Task Given_a_mix_of_S3_event_types_on_the_same_objects_with_duplicate_sends_Then_each_event_is_handled_once_and_none_is_replayed_as_another()
    {
        var random = new Random(StormSeed.Next());
        var events = new List<(string Id, string Body)>();
        for (var obj = 0; obj < 6; obj++)
        {
            for (var type = 0; type < S3EventTypes.Length; type++)
            {
                var id = $"{S3EventTypes[type].Name}@incoming/order-{obj}.json";
                events.Add((id, S3Event(obj, type)));
            }
        }

        var bodies = events.Select(e => e.Body).ToList();
        var duplicates = events.Where(_ => random.NextDouble() < 0.4).Select(e => e.Body).ToList();
        using var admin = fauxqs.CreateSqsClient();
        var queue = await FauxqsQueues.CreateAsync(admin, "lambda-s3-mix", visibilitySeconds: 2);
        await FauxqsQueues.SendAsync(admin, queue, [.. bodies, .. duplicates]);

        var handled = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var failures = new ConcurrentQueue<string>();
        var processor = SqsBatchProcessor.For<S3EventNotification>("storm-lambda-s3")
            .WithStore(new InMemoryIdempotencyStore())
            .WithEnvelope(SqsEnvelope.S3)
            .WithoutRetry()
            .WithLoggerFactory(NullLoggerFactory.Instance)
            .Handle((notification, _, _) =>
            {
                foreach (var record in notification.Records)
                {
                    handled.AddOrUpdate($"{record.EventName}@{record.S3?.Object?.Key}", 1, static (_, n) => n + 1);
                }

                return ValueTask.CompletedTask;
            });
        await RunMappingsAsync(queue, processor, error => failures.Enqueue($"{error?.GetType().Name}: {error?.Message}"), async () =>
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (await FauxqsQueues.CountAsync(admin, queue) > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        });

        var report = string.Create(CultureInfo.InvariantCulture, $"{events.Count} S3 events ({S3EventTypes.Length} types on 6 objects), {duplicates.Count} duplicate sends; handled {handled.Count} distinct, {handled.Count(h => h.Value > 1)} twice; failures: {string.Join("; ", failures.Take(5))}");
        output.WriteLine(report);
        Assert.Equal(0, await FauxqsQueues.CountAsync(admin, queue));
        Assert.True(events.All(e => handled.TryGetValue(e.Id, out var n) && n == 1), report);
    }

    private async Task RunMappingsAsync<TMessage>(string queue, SqsBatchProcessor<TMessage> processor, Action<Exception?> onFailure, Func<Task> waitUntilDone)
    {
        using var stop = new CancellationTokenSource();
        var clients = new List<AmazonSQSClient>();
        var tasks = new List<Task>();
        for (var i = 0; i < Instances; i++)
        {
            var client = new AmazonSQSClient(AwsTestCredentials.Credentials, fauxqs.CreateSqsConfig());
            clients.Add(client);
            var mapping = new LocalEventSourceMapping(
                client,
                new LocalEventSourceMappingOptions { QueueUrl = queue, BatchSize = 10, WaitTimeSeconds = 1, FunctionTimeout = TimeSpan.FromSeconds(4) },
                async (sqsEvent, context) =>
                {
                    var batch = await processor.ProcessBatchAsync(sqsEvent, context);
                    foreach (var failure in batch.Failures)
                    {
                        onFailure(failure.Error);
                    }

                    return batch.Response;
                },
                functionLogger: new QuietLambdaLogger());
            tasks.Add(Task.Run(() => mapping.RunAsync(stop.Token), CancellationToken.None));
        }

        try
        {
            await waitUntilDone();
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(tasks);
            clients.ForEach(c => c.Dispose());
        }
    }

    /// <summary>One S3 notification as S3 writes it to SQS: only PUT and DELETE events carry a sequencer.</summary>
    private static string S3Event(int obj, int type)
    {
        var (name, hasSequencer) = S3EventTypes[type];
        var objectJson = new Dictionary<string, object>
        {
            ["key"] = $"incoming/order-{obj}.json",
            ["size"] = 2048,
            ["eTag"] = "d41d8cd98f00b204e9800998ecf8427e",
            ["versionId"] = $"v{obj}",
        };
        if (hasSequencer)
        {
            objectJson["sequencer"] = string.Create(CultureInfo.InvariantCulture, $"0055AED6DCD9{obj:X2}{type:X2}00");
        }

        var record = new Dictionary<string, object>
        {
            ["eventVersion"] = "2.1",
            ["eventSource"] = "aws:s3",
            ["awsRegion"] = "eu-west-1",
            ["eventTime"] = new DateTimeOffset(2024, 6, 10, 6, 13, 20, TimeSpan.Zero).AddSeconds(obj).AddMilliseconds(type * 7).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["eventName"] = name,
            ["s3"] = new Dictionary<string, object>
            {
                ["s3SchemaVersion"] = "1.0",
                ["configurationId"] = "orders-upload",
                ["bucket"] = new Dictionary<string, object> { ["name"] = "example-order-inbox", ["arn"] = "arn:aws:s3:::example-order-inbox" },
                ["object"] = objectJson,
            },
        };
        return JsonSerializer.Serialize(new Dictionary<string, object> { ["Records"] = new[] { record } });
    }
}
