using System.Text.Json;
using IdempotentConsumer.Lambda.LocalRunner;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Records;
using IdempotentConsumer.Reliability.Tests.Support;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace IdempotentConsumer.Reliability.Tests.Transport;

/// <summary>
/// "In progress elsewhere" never dead-letters a message through the Lambda runner. The in-progress lease is cut
/// from the invocation's remaining time, and the queue's visibility timeout is at least the function timeout, so a
/// redelivery after a crashed invocation finds the dead holder's lease lapsed, even with maxReceiveCount = 3.
/// </summary>
[Collection(EmulatorCollections.Fauxqs)]
public sealed class LambdaRunnerTakeoverTests(FauxqsFixture fauxqs)
{
    private const int FunctionTimeoutSeconds = 3;

    [Fact]
    public async Task Given_an_invocation_that_crashes_mid_handler_and_a_duplicate_on_a_second_instance_When_the_runners_drain_a_queue_with_maxReceiveCount_3_Then_the_order_ships_once_and_the_DLQ_stays_empty()
    {
        using var sqs = fauxqs.CreateSqsClient();
        var dlq = await FauxqsQueues.CreateAsync(sqs, "takeover-dlq", visibilitySeconds: 30);
        var queue = await FauxqsQueues.CreateAsync(sqs, "takeover", visibilitySeconds: FunctionTimeoutSeconds, await FauxqsQueues.ArnAsync(sqs, dlq), maxReceiveCount: 3);
        var inner = new InMemoryIdempotencyStore();
        var store = new StoreProbe(inner, () => false);
        var shipping = new ShippingApi();
        var crashed = 0;
        string? key = null;
        var processor = SqsBatchProcessor.For<Order>("takeover")
            .WithStore(store)
            .WithKey(o => o.OrderId)
            .WithoutRetry()
            .WithLoggerFactory(NullLoggerFactory.Instance)
            .Handle(async (Order order, Pipeline.MessageContext<Order> context, CancellationToken ct) =>
            {
                if (Interlocked.Exchange(ref crashed, 1) == 0)
                {
                    // The process dies holding the record: nothing it does afterwards reaches the store.
                    store.Kill(context.Lease!.OwnerToken);
                    throw new SimulatedConsumerCrashException("crashed mid-handler");
                }

                key = context.IdempotencyKey!;
                await shipping.ShipAsync(order.OrderId, key, ct);
            });
        var body = JsonSerializer.Serialize(Order.Numbered(7), JsonSerializerOptions.Web);
        await FauxqsQueues.SendAsync(sqs, queue, [body, body]); // a producer retry: the same order twice

        var cycles = await DrainAsync(sqs, queue, processor, TimeSpan.FromSeconds(60));

        Assert.Equal(1, crashed);
        Assert.Equal(1, shipping.ShipmentsByOrder.GetValueOrDefault(Order.Numbered(7).OrderId));
        Assert.Equal(0, await FauxqsQueues.CountAsync(sqs, queue));
        Assert.Empty(await FauxqsQueues.DrainAsync(sqs, dlq));
        Assert.Contains(cycles, c => c.FunctionError is SimulatedConsumerCrashException);
        Assert.Equal(1, inner.Count);
        Assert.Equal(IdempotencyRecordStatus.Completed, (await inner.GetAsync(key!))?.Status);
    }

    // Two function instances poll the queue; an invocation whose handler crashed dies as a whole (Lambda retains its batch).
    private static async Task<List<LocalInvocationResult>> DrainAsync(Amazon.SQS.IAmazonSQS sqs, string queue, SqsBatchProcessor<Order> processor, TimeSpan limit)
    {
        var cycles = new System.Collections.Concurrent.ConcurrentQueue<LocalInvocationResult>();
        using var stop = new CancellationTokenSource(limit);
        var instances = Enumerable.Range(0, 2).Select(_ => new LocalEventSourceMapping(
            sqs,
            new LocalEventSourceMappingOptions { QueueUrl = queue, BatchSize = 1, WaitTimeSeconds = 1, FunctionTimeout = TimeSpan.FromSeconds(FunctionTimeoutSeconds) },
            async (sqsEvent, context) =>
            {
                var batch = await processor.ProcessBatchAsync(sqsEvent, context);
                return batch.Failures.FirstOrDefault(f => f.Error is SimulatedConsumerCrashException) is { Error: { } crash } ? throw crash : batch.Response;
            },
            functionLogger: new QuietLambdaLogger())).ToList();

        var polling = instances.Select(mapping => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && await FauxqsQueues.CountAsync(sqs, queue) > 0)
            {
                var cycle = await mapping.PollOnceAsync(stop.Token);
                if (!cycle.WasIdle)
                {
                    cycles.Enqueue(cycle);
                }
            }
        })).ToList();
        await Task.WhenAll(polling);
        return [.. cycles];
    }
}
