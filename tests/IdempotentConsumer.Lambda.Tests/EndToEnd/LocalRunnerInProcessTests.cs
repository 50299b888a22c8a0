using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.InProcess;
using IdempotentConsumer.Lambda.LocalRunner;
using IdempotentConsumer.Lambda.Tests.Support;
using IdempotentConsumer.Sqs;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.Time.Testing;

namespace IdempotentConsumer.Lambda.Tests.EndToEnd;

/// <summary>
/// The local event source mapping over the in-process SQS transport: the same batch processor and runner as on fauxqs,
/// without a network, on a fake clock that drives the visibility timeout.
/// </summary>
public sealed class LocalRunnerInProcessTests
{
    private static readonly TimeSpan Visibility = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly InMemoryIdempotencyStore _store = new();
    private readonly SideEffects _shipments = new();

    [Fact]
    public async Task Given_an_in_process_queue_with_a_duplicate_and_a_failing_order_When_the_runner_polls_it_Then_binary_attributes_arrive_only_what_batchItemFailures_omits_is_deleted_and_every_order_ships_once()
    {
        var sqs = new InProcessSqsTransport(_clock);
        var queueUrl = sqs.CreateQueue("orders", new InProcessSqsQueueOptions { VisibilityTimeout = Visibility });
        var signedId = await sqs.SendAsync(queueUrl, SqsEvents.OrderJson("o-1"), new Dictionary<string, SqsMessageAttribute>
        {
            ["signature"] = new("Binary", null, new byte[] { 1, 2, 255 }),
        });
        await sqs.SendAsync(queueUrl, SqsEvents.OrderJson("o-2"));
        await sqs.SendAsync(queueUrl, SqsEvents.OrderJson("o-2")); // the producer's retried send: a new message id
        var failingId = await sqs.SendAsync(queueUrl, SqsEvents.OrderJson("o-3"));

        var o3Attempts = 0;
        var processor = Processors.Shipping(_store, _shipments, b => b.Configure(o => o.MaxConcurrency = 1), (order, _, _) =>
            order.OrderId == "o-3" && Interlocked.Increment(ref o3Attempts) == 1
                ? throw new InvalidOperationException("shipping API unavailable")
                : ValueTask.CompletedTask);
        var events = new List<SQSEvent>();
        var mapping = new LocalEventSourceMapping(
            sqs,
            new LocalEventSourceMappingOptions { QueueUrl = queueUrl, WaitTimeSeconds = 0 },
            (sqsEvent, context) =>
            {
                events.Add(sqsEvent);
                return processor.ProcessAsync(sqsEvent, context);
            },
            _clock,
            functionLogger: new CapturingLambdaLogger());

        var first = await mapping.PollOnceAsync();

        Assert.Equal(4, first.Received.Count);
        Assert.Equal([failingId], first.Retained);
        Assert.Equal(first.Received.Where(id => id != failingId), first.Deleted);
        var signed = Assert.Single(events[0].Records, r => r.MessageId == signedId);
        Assert.Equal("Binary", signed.MessageAttributes["signature"].DataType);
        Assert.Equal(new byte[] { 1, 2, 255 }, signed.MessageAttributes["signature"].BinaryValue.ToArray());
        Assert.Equal("arn:aws:sqs:us-east-1:000000000000:orders", signed.EventSourceArn);
        Assert.Equal(1, sqs.GetStatistics(queueUrl).InFlight);

        Assert.True((await mapping.PollOnceAsync()).WasIdle);
        _clock.Advance(Visibility);
        var second = await mapping.PollOnceAsync();

        Assert.Equal([failingId], second.Deleted);
        Assert.Equal("2", Assert.Single(events[1].Records).Attributes[SqsSystemAttributes.ApproximateReceiveCount]);
        Assert.Equal([1, 1, 1], new[] { _shipments["o-1"], _shipments["o-2"], _shipments["o-3"] });
        var statistics = sqs.GetStatistics(queueUrl);
        Assert.Equal((4, 1, 0, 0), (statistics.Deleted, statistics.Redelivered, statistics.Visible, statistics.InFlight));
    }
}
