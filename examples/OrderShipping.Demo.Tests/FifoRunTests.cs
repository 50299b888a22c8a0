using OrderShipping.Demo.Options;
using OrderShipping.Demo.Queues;
using OrderShipping.Demo.Reporting;
using OrderShipping.Demo.Scenario;
using OrderShipping.Orders;
using Spectre.Console.Testing;

namespace OrderShipping.Demo.Tests;

/// <summary><c>--fifo</c> on the in-process queue: the producer sends through the idempotent sender, SQS deduplicates its retries.</summary>
public sealed class FifoRunTests
{
    private static DemoOptions SmallFifoRun(ConsumerKind consumer) => new()
    {
        Orders = 300,
        Consumers = 6,
        Seed = 7,
        Store = StoreKind.Memory,
        Consumer = consumer,
        Fifo = true,
        ShowProgress = false,
        DuplicateSendRate = 0.2,
        CrashRate = 0.05,
        SlowRate = 0.04,
        Timeout = TimeSpan.FromSeconds(40),
    };

    [Theory]
    [InlineData(nameof(ConsumerKind.Worker))]
    [InlineData(nameof(ConsumerKind.Lambda))]
    public async Task Given_retried_sends_When_the_producer_sends_through_the_sender_to_a_fifo_queue_Then_sqs_drops_the_retries_and_every_order_ships_once(string consumer)
    {
        var runner = new DemoRunner(SmallFifoRun(Enum.Parse<ConsumerKind>(consumer)));

        var report = await runner.RunAsync(CancellationToken.None);

        Assert.False(report.TimedOut);
        Assert.Contains("FIFO", report.QueueDescription, StringComparison.Ordinal);
        Assert.True(report.DuplicateSends > 0, "the producer should have retried some sends");
        Assert.Equal(report.DuplicateSends, report.SendsDeduplicatedByQueue);
        Assert.Equal(report.Orders, report.MessagesSent - report.SendsDeduplicatedByQueue);
        Assert.True(report.Crashes > 0 && report.Redeliveries > 0, "the consumers should still have met crashes and redeliveries");
        Assert.Empty(report.DoubleShipped);
        Assert.Empty(report.Lost);
        Assert.Equal(report.Orders, report.Shipments);
    }

    [Fact]
    public async Task Given_a_fifo_run_When_it_ends_Then_the_table_shows_the_sends_deduplicated_by_sqs_apart_from_the_duplicates_the_consumer_stopped()
    {
        var report = await new DemoRunner(SmallFifoRun(ConsumerKind.Worker)).RunAsync(CancellationToken.None);
        var console = new TestConsole().Width(200);

        SummaryView.Render(console, report);

        var deduplicated = Assert.Single(console.Lines, line => line.Contains("Sends deduplicated by SQS (FIFO)", StringComparison.Ordinal));
        Assert.Contains($" {report.SendsDeduplicatedByQueue} ", deduplicated, StringComparison.Ordinal);
        Assert.Contains(console.Lines, line => line.Contains("Duplicates suppressed", StringComparison.Ordinal) && line.Contains("stopped by the consumer", StringComparison.Ordinal));
        Assert.Contains(console.Lines, line => line.Contains("Double shipments", StringComparison.Ordinal) && line.Contains(" 0 ", StringComparison.Ordinal));
        Assert.Contains(console.Lines, line => line.Contains("Lost", StringComparison.Ordinal) && line.Contains(" 0 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Given_an_order_serialized_again_in_another_field_order_When_the_sender_prepares_it_Then_the_body_differs_but_the_deduplication_id_does_not()
    {
        await using var queue = InProcessDemoQueue.Create(TimeSpan.FromSeconds(1), fifo: true);
        var sender = FifoSending.CreateSender(queue, "order-shipping-test");
        var order = new Order("ORD-000001", "USR-0001", "SKU-001");

        var first = sender.Prepare(order);
        var retries = new[] { 2, 3 }.Select(send => sender.PrepareJson(FifoSending.Reserialize(order, send))).ToList();

        Assert.Equal(OrderJson.Serialize(order), first.Body);
        Assert.Equal("USR-0001", first.MessageGroupId);
        Assert.All(retries, retry =>
        {
            // Content-based deduplication hashes the raw body: it would let these through.
            Assert.NotEqual(first.Body, retry.Body);
            Assert.Equal(first.DeduplicationId, retry.DeduplicationId);
            Assert.Equal(first.IdempotencyKey, retry.IdempotencyKey);
        });
        Assert.NotEqual(retries[0].Body, retries[1].Body);
    }
}
