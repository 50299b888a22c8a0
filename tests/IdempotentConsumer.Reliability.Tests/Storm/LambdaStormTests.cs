using IdempotentConsumer.Reliability.Tests.Support;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Testing.Storm;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Reliability.Tests.Storm;

/// <summary>
/// The storm with Lambda consumers: the batch processor a user deploys, invoked by the local event source mapping
/// over the in-process queue; a crash kills the execution environment mid-invocation.
/// </summary>
public sealed class LambdaStormTests(ITestOutputHelper output)
{
    private static IdempotencyStormBuilder<Order> LambdaStorm(ShippingApi shipping, int orders) =>
        IdempotencyStorm.For<Order>(o => o.OrderId)
            .WithLambdaConsumers()
            .WithStore(new InMemoryIdempotencyStore())
            .WithMessages(orders, Order.Numbered)
            .WithSideEffect((order, key, ct) => shipping.ShipAsync(order.OrderId, key, ct))
            .WithConsumers(8)
            .WithSeed(StormSeed.Next())
            .WithTimeout(TimeSpan.FromMinutes(2));

    [Fact]
    public async Task Given_duplicate_sends_redeliveries_crashes_after_the_side_effect_and_store_faults_When_Lambda_functions_consume_Then_no_order_ships_twice_and_none_is_lost()
    {
        var shipping = new ShippingApi();

        var report = await LambdaStorm(shipping, orders: 200)
            .WithDuplicateSends(0.3)
            .WithConcurrentDuplicates(0.05)
            .WithRedeliveries(0.05)
            .WithCrashAfterSideEffect(0.05)
            .WithCrashBeforeCompletion(0.02)
            .WithStoreFaults(0.01)
            .RunAsync();
        output.WriteLine(report.ToString());

        report.AssertEffectivelyOnce();
        report.AssertEveryFailureTyped();
        Assert.Equal(200, shipping.ShipmentsByOrder.Count);
        Assert.All(shipping.ShipmentsByOrder, order => Assert.Equal(1, order.Value));
        Assert.Equal(0, report.DeadLettered);
        Assert.True(report.DuplicateSends > 0 && report.CrashesAfterSideEffect > 0 && report.StoreFaultsInjected > 0, report.ToString());
        Assert.True(report.Replays > 0, report.ToString());
    }

    [Fact]
    public async Task Given_a_receive_budget_of_3_and_environments_that_die_mid_handler_When_Lambda_functions_consume_Then_each_order_ships_once_and_nothing_is_dead_lettered()
    {
        var shipping = new ShippingApi();

        var report = await LambdaStorm(shipping, orders: 120)
            .WithDuplicateSends(0.2)
            .WithCrashBeforeSideEffect(0.05)
            .WithCrashAfterSideEffect(0.05)
            .WithCrashesOnFirstDeliveryOnly()
            .WithMaxReceiveCount(3)
            .RunAsync();
        output.WriteLine(report.ToString());

        report.AssertEffectivelyOnce();
        report.AssertEveryFailureTyped();
        Assert.True(report.CrashesInjected > 0, report.ToString());
        Assert.Equal(120, shipping.ShipmentsByOrder.Count);
        Assert.All(shipping.ShipmentsByOrder, order => Assert.Equal(1, order.Value));
        Assert.Equal(0, report.DeadLettered);
    }

    [Fact]
    public async Task Given_handlers_longer_than_RecordExpiry_and_copies_sent_at_once_When_Lambda_functions_consume_Then_copies_are_refused_while_it_runs_and_replayed_after_and_each_order_runs_once()
    {
        // No heartbeat in Lambda: the record must stay alive for the invocation's whole remaining time (its lease)
        // even though RecordExpiry (5.5 s) is shorter than the handler (6 s). A copy rejected as in progress is left
        // to its visibility timeout (8 s, the function timeout) as Lambda's event source mapping does, so it comes back
        // while the completed record still lives (completion + RecordExpiry ≈ 11.5 s): enough environments that every
        // copy is received at once. Every handler run is counted as an effect, so a copy that took the key over from a
        // live handler would show as a double effect.
        var report = await IdempotencyStorm.For<Order>(o => o.OrderId)
            .WithLambdaConsumers()
            .WithStore(new InMemoryIdempotencyStore())
            .WithMessages(16, Order.Numbered)
            .WithSideEffect((_, effect, _) =>
            {
                effect.Record();
                return ValueTask.CompletedTask;
            })
            .WithConsumers(48)
            .WithConcurrentDuplicates(0.5, copies: 3)
            .WithSlowHandlers(1.0, TimeSpan.FromSeconds(6))
            .WithVisibilityTimeout(TimeSpan.FromSeconds(8))
            .ConfigureIdempotency(o => o.RecordExpiry = TimeSpan.FromSeconds(5.5))
            .WithSeed(StormSeed.Next())
            .WithTimeout(TimeSpan.FromMinutes(2))
            .RunAsync();
        output.WriteLine(report.ToString());

        report.AssertEffectivelyOnce();
        report.AssertEveryFailureTyped();
        Assert.Equal(16, report.HandlerInvocations);
        Assert.True(report.ConcurrentDuplicates > 0 && report.SlowHandlers >= 16, report.ToString());
        Assert.True(report.FailuresByType.ContainsKey(nameof(Exceptions.IdempotencyAlreadyInProgressException)), report.ToString());
        Assert.Equal(0, report.DeadLettered);
    }

    [Fact]
    public async Task Given_Lambda_consumers_When_a_lease_heartbeat_is_asked_for_Then_the_storm_refuses_to_run()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            LambdaStorm(new ShippingApi(), orders: 1).WithLeaseHeartbeat(TimeSpan.FromMilliseconds(200)).RunAsync());

        Assert.Contains("WithLeaseHeartbeat", error.Message, StringComparison.Ordinal);
    }
}
