using OrderShipping.Demo.Options;
using OrderShipping.Demo.Reporting;
using Spectre.Console.Testing;

namespace OrderShipping.Demo.Tests;

public sealed class DemoRunnerTests
{
    private static DemoOptions SmallRun(StoreKind store) => new()
    {
        Orders = 300,
        Consumers = 6,
        Seed = 7,
        Store = store,
        ShowProgress = false,

        // Higher fault rates than the default, so a small run meets every fault many times.
        DuplicateSendRate = 0.2,
        CrashRate = 0.05,
        SlowRate = 0.04,
        Timeout = TimeSpan.FromSeconds(40),
    };

    [Theory]
    [InlineData(nameof(StoreKind.Memory), nameof(ConsumerKind.Worker))]
    [InlineData(nameof(StoreKind.Sqlite), nameof(ConsumerKind.Worker))]
    [InlineData(nameof(StoreKind.Sqlite), nameof(ConsumerKind.Lambda))]
    public async Task Given_duplicate_sends_redeliveries_and_crashes_When_idempotency_is_on_Then_every_order_ships_exactly_once(string store, string consumer)
    {
        var runner = new DemoRunner(SmallRun(Enum.Parse<StoreKind>(store)) with { Consumer = Enum.Parse<ConsumerKind>(consumer) });

        var report = await runner.RunAsync(CancellationToken.None);

        Assert.False(report.TimedOut);
        Assert.True(report.DuplicateSends > 0, "the producer should have retried some sends");
        Assert.True(report.Crashes > 0, "some consumers should have crashed");
        Assert.True(report.Redeliveries > 0, "the queue should have redelivered");
        Assert.True(report.IdempotencyKeyHits > 0, "a crash after shipping should have been absorbed by the carrier's Idempotency-Key");
        Assert.True(report.Replays + report.InProgressRejections > 0, "duplicates should have met the idempotency record");
        Assert.Empty(report.DoubleShipped);
        Assert.Empty(report.Lost);
        Assert.Equal(report.Orders, report.Shipments);
        Assert.Equal(report.Orders, report.Executions);
        Assert.All(runner.Plan.Orders, plan => Assert.Equal(1, runner.ShippingApi.ShipmentsFor(plan.Order.OrderId)));
        Assert.True(report.EveryOrderShippedOnce);
        Assert.Equal(0, report.ExtraParcels);
    }

    [Fact]
    public async Task Given_the_default_run_When_it_ends_Then_the_table_shows_zero_double_and_zero_lost_from_the_deployed_worker()
    {
        var runner = new DemoRunner(new DemoOptions { ShowProgress = false });
        var report = await runner.RunAsync(CancellationToken.None);
        var console = new TestConsole().Width(160);

        SummaryView.Render(console, report);

        Assert.Equal(1000, report.Orders);
        Assert.Contains("hosted worker (AddSqsConsumer)", report.QueueDescription, StringComparison.Ordinal);
        Assert.True(report.Crashes > 0 && report.Redeliveries > 0 && report.IdempotencyKeyHits > 0, "the default run should meet every fault");
        Assert.Contains(console.Lines, line => line.Contains("Double shipments", StringComparison.Ordinal) && line.Contains(" 0 ", StringComparison.Ordinal));
        Assert.Contains(console.Lines, line => line.Contains("Lost", StringComparison.Ordinal) && line.Contains(" 0 ", StringComparison.Ordinal));
        Assert.Contains("Every one of the 1,000 orders shipped exactly once", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_the_same_faults_When_idempotency_is_off_Then_orders_ship_more_than_once_and_none_is_lost()
    {
        var runner = new DemoRunner(SmallRun(StoreKind.Memory) with { Idempotency = false });

        var report = await runner.RunAsync(CancellationToken.None);

        Assert.False(report.TimedOut);
        Assert.NotEmpty(report.DoubleShipped);
        Assert.Empty(report.Lost);
        Assert.True(report.Shipments > report.Orders);
        Assert.Equal(0, report.IdempotencyKeyHits);
        Assert.Equal(0, report.Replays);
        Assert.False(report.EveryOrderShippedOnce);

        // Every duplicate send alone ships again without idempotency.
        var sentTwice = runner.Plan.Orders.Where(plan => plan.Sends > 1).Select(plan => plan.Order.OrderId);
        Assert.All(sentTwice, orderId => Assert.True(runner.ShippingApi.ShipmentsFor(orderId) > 1, $"{orderId} was sent twice yet shipped once"));
    }

    [Fact]
    public async Task Given_no_faults_Then_every_message_is_delivered_once_and_nothing_is_suppressed()
    {
        var runner = new DemoRunner(SmallRun(StoreKind.Memory) with { DuplicateSendRate = 0, CrashRate = 0, SlowRate = 0 });

        var report = await runner.RunAsync(CancellationToken.None);

        Assert.Equal(report.Orders, report.MessagesSent);
        Assert.Equal(report.Orders, report.Deliveries);
        Assert.Equal(0, report.DuplicatesSuppressed);
        Assert.True(report.EveryOrderShippedOnce);
    }
}
