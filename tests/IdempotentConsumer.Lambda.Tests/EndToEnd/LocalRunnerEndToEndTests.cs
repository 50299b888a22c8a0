using System.Collections.Concurrent;
using System.Text.Json;
using Amazon.Lambda.Core;
using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Lambda.LocalRunner;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Lambda.Tests.Support;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure.Fixtures;

namespace IdempotentConsumer.Lambda.Tests.EndToEnd;

/// <summary>
/// The whole path on a real SQS protocol (fauxqs): producer → queue → local event source mapping → the function
/// (SQS batch processor) → deletes and redeliveries.
/// </summary>
[Collection(EmulatorCollections.Fauxqs)]
public sealed class LocalRunnerEndToEndTests(FauxqsFixture fauxqs)
{
    private readonly InMemoryIdempotencyStore _store = new();
    private readonly SideEffects _shipments = new();
    private readonly ConcurrentQueue<string> _deliveries = new();

    private LocalEventSourceMapping Mapping(Amazon.SQS.IAmazonSQS sqs, string queueUrl, Func<SQSEvent, ILambdaContext, Task<SQSBatchResponse>> function, Action<LocalEventSourceMappingOptions>? configure = null)
    {
        // The 2 s long poll outlasts the 1 s visibility timeout of the drained queues, so one empty receive means nothing is left.
        var options = new LocalEventSourceMappingOptions { QueueUrl = queueUrl, WaitTimeSeconds = 2, FunctionTimeout = TimeSpan.FromSeconds(10) };
        configure?.Invoke(options);
        return new LocalEventSourceMapping(sqs, options, function, functionLogger: new CapturingLambdaLogger());
    }

    [Fact]
    public async Task Given_a_producer_duplicate_a_crash_after_the_side_effect_and_a_failing_record_When_the_mapping_drains_the_queue_Then_every_order_ships_once()
    {
        using var sqs = fauxqs.CreateSqsClient();
        var queueUrl = await Queues.CreateAsync(sqs, visibilityTimeoutSeconds: 1);
        await Queues.SendAsync(sqs, queueUrl, SqsEvents.OrderJson("o-1"));
        await Queues.SendAsync(sqs, queueUrl, SqsEvents.OrderJson("o-1")); // the producer's retried send: a new messageId
        await Queues.SendAsync(sqs, queueUrl, SqsEvents.OrderJson("o-2"));
        await Queues.SendAsync(sqs, queueUrl, SqsEvents.OrderJson("o-3"));

        var o3Attempts = 0;
        var processor = Processors.Shipping(_store, _shipments, b => b.Configure(o => o.MaxConcurrency = 1), (order, context, _) =>
        {
            _deliveries.Enqueue(context.MessageId);
            // o-3 fails in the crashed invocation and again in the next one, so one redelivery is a reported partial failure.
            return order.OrderId == "o-3" && Interlocked.Increment(ref o3Attempts) <= 2
                ? throw new InvalidOperationException("shipping API unavailable")
                : ValueTask.CompletedTask;
        });
        var invocations = 0;
        var mapping = Mapping(sqs, queueUrl, async (sqsEvent, context) =>
        {
            var response = await processor.ProcessAsync(sqsEvent, context);
            if (Interlocked.Increment(ref invocations) == 1)
            {
                throw new InvalidOperationException("the function crashed after shipping, before returning");
            }

            return response;
        });

        var cycles = await mapping.RunUntilIdleAsync(idleReceives: 1);

        Assert.Equal(1, _shipments["o-1"]);
        Assert.Equal(1, _shipments["o-2"]);
        Assert.Equal(1, _shipments["o-3"]);
        Assert.Equal(0, await Queues.CountAsync(sqs, queueUrl));
        Assert.NotNull(cycles[0].FunctionError);
        Assert.Empty(cycles[0].Deleted);
        Assert.True(cycles.Sum(c => c.Received.Count) > 4, "the crash made SQS redeliver every message");
        Assert.True(_store.Count >= 3);
        var partial = Assert.Single(cycles, c => c.Retained.Count > 0 && c.FunctionError is null);
        Assert.Equal(cycles[0].Received[3], Assert.Single(partial.Retained));
        Assert.Equal(3, o3Attempts);
    }

    [Fact]
    public async Task Given_messages_on_the_queue_When_the_mapping_invokes_the_function_Then_the_event_has_Lambdas_exact_JSON_shape()
    {
        using var sqs = fauxqs.CreateSqsClient();
        var queueUrl = await Queues.CreateAsync(sqs);
        await sqs.SendMessageAsync(new Amazon.SQS.Model.SendMessageRequest
        {
            QueueUrl = queueUrl,
            MessageBody = SqsEvents.OrderJson("o-9"),
            MessageAttributes = new Dictionary<string, Amazon.SQS.Model.MessageAttributeValue>
            {
                ["tenant"] = new() { DataType = "String", StringValue = "acme" },
            },
        });
        SQSEvent? delivered = null;
        var mapping = Mapping(sqs, queueUrl, (sqsEvent, _) =>
        {
            delivered = sqsEvent;
            return Task.FromResult(new SQSBatchResponse());
        });

        var cycle = await mapping.PollOnceAsync();

        using var json = JsonDocument.Parse(cycle.EventJson!);
        var record = json.RootElement.GetProperty("Records")[0];
        string[] lambdaOrder = ["messageId", "receiptHandle", "body", "attributes", "messageAttributes", "md5OfBody", "md5OfMessageAttributes", "eventSource", "eventSourceARN", "awsRegion"];
        var names = record.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(lambdaOrder.Where(names.Contains), names);
        Assert.Equal(lambdaOrder.Except(["md5OfMessageAttributes"]), names.Except(["md5OfMessageAttributes"]));
        Assert.Equal("aws:sqs", record.GetProperty("eventSource").GetString());
        Assert.EndsWith(queueUrl.Split('/')[^1], record.GetProperty("eventSourceARN").GetString());
        Assert.Equal("1", record.GetProperty("attributes").GetProperty("ApproximateReceiveCount").GetString());
        Assert.Equal("acme", record.GetProperty("messageAttributes").GetProperty("tenant").GetProperty("stringValue").GetString());
        var message = Assert.Single(delivered!.Records!);
        Assert.Equal(cycle.Received[0], message.MessageId);
        Assert.Equal(SqsEvents.OrderJson("o-9"), message.Body);
        Assert.Equal(cycle.Received, cycle.Deleted);
        Assert.Equal("""{"batchItemFailures":[]}""", cycle.ResponseJson);
    }

    [Fact]
    public async Task Given_a_fifo_queue_and_a_failure_in_a_group_When_drained_Then_the_group_is_processed_in_order_and_each_order_ships_once()
    {
        using var sqs = fauxqs.CreateSqsClient();
        var queueUrl = await Queues.CreateAsync(sqs, fifo: true, visibilityTimeoutSeconds: 1);
        foreach (var id in new[] { "f-1", "f-2", "f-3" })
        {
            await Queues.SendAsync(sqs, queueUrl, SqsEvents.OrderJson(id), groupId: "customer-1", deduplicationId: "dedup-" + id);
        }

        var f2Attempts = 0;
        var processor = SqsBatchProcessor.For<Order>("ship-orders")
            .WithStore(_store)
            .WithDeduplicationIdKey()
            .WithoutRetry()
            .Handle((order, _) =>
            {
                _deliveries.Enqueue(order.OrderId);
                if (order.OrderId == "f-2" && Interlocked.Increment(ref f2Attempts) == 1)
                {
                    throw new InvalidOperationException("transient");
                }

                _shipments.Record(order.OrderId);
                return ValueTask.CompletedTask;
            });
        var fifoBatches = 0;
        var mapping = Mapping(sqs, queueUrl, async (sqsEvent, context) =>
        {
            var result = await processor.ProcessBatchAsync(sqsEvent, context);
            if (result.IsFifo)
            {
                Interlocked.Increment(ref fifoBatches);
            }

            return result.Response;
        });

        var cycles = await mapping.RunUntilIdleAsync(idleReceives: 1);

        Assert.Equal(["f-1", "f-2", "f-3"], _shipments.Order);
        Assert.Equal(["f-1", "f-2", "f-2", "f-3"], _deliveries.Where(d => d != "f-3" || _deliveries.Count(x => x == "f-3") == 1));
        Assert.Equal(cycles.Count, fifoBatches);
        Assert.Equal(0, await Queues.CountAsync(sqs, queueUrl));
    }

    [Fact]
    public async Task Given_a_response_with_an_identifier_not_in_the_batch_When_the_mapping_reads_it_Then_the_whole_batch_stays_on_the_queue()
    {
        using var sqs = fauxqs.CreateSqsClient();
        var queueUrl = await Queues.CreateAsync(sqs, visibilityTimeoutSeconds: 30);
        await Queues.SendAsync(sqs, queueUrl, SqsEvents.OrderJson("o-1"));
        await Queues.SendAsync(sqs, queueUrl, SqsEvents.OrderJson("o-2"));
        var mapping = Mapping(sqs, queueUrl, (_, _) => Task.FromResult(new SQSBatchResponse([new SQSBatchResponse.BatchItemFailure { ItemIdentifier = "not-in-this-batch" }])));

        var cycle = await mapping.PollOnceAsync();

        Assert.NotEmpty(cycle.Received);
        Assert.Empty(cycle.Deleted);
        Assert.Equal(cycle.Received, cycle.Retained);
        Assert.Equal(2, await Queues.CountAsync(sqs, queueUrl));
    }

    [Fact]
    public async Task Given_a_function_that_outlives_its_timeout_When_invoked_Then_the_batch_fails_as_a_whole_and_nothing_is_deleted()
    {
        using var sqs = fauxqs.CreateSqsClient();
        var queueUrl = await Queues.CreateAsync(sqs, visibilityTimeoutSeconds: 30);
        await Queues.SendAsync(sqs, queueUrl, SqsEvents.OrderJson("o-1"));
        var release = new TaskCompletionSource<SQSBatchResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var mapping = Mapping(sqs, queueUrl, (_, _) => release.Task, o => o.FunctionTimeout = TimeSpan.FromMilliseconds(300));

        var cycle = await mapping.PollOnceAsync();
        release.SetResult(new SQSBatchResponse());

        Assert.IsType<TimeoutException>(cycle.FunctionError);
        Assert.Empty(cycle.Deleted);
        Assert.Equal(1, await Queues.CountAsync(sqs, queueUrl));
    }

    [Fact]
    public async Task Given_a_fake_clock_When_the_function_reads_the_context_Then_remaining_time_counts_down_from_the_timeout()
    {
        using var sqs = fauxqs.CreateSqsClient();
        var queueUrl = await Queues.CreateAsync(sqs);
        await Queues.SendAsync(sqs, queueUrl, SqsEvents.OrderJson("o-1"));
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var observed = new List<TimeSpan>();
        var options = new LocalEventSourceMappingOptions { QueueUrl = queueUrl, WaitTimeSeconds = 1, FunctionTimeout = TimeSpan.FromSeconds(45) };
        var mapping = new LocalEventSourceMapping(sqs, options, (_, context) =>
        {
            observed.Add(context.RemainingTime);
            clock.Advance(TimeSpan.FromSeconds(20));
            observed.Add(context.RemainingTime);
            return Task.FromResult(new SQSBatchResponse());
        }, clock, functionLogger: new CapturingLambdaLogger());

        await mapping.PollOnceAsync();

        Assert.Equal([TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(25)], observed);
    }
}
