using IdempotentConsumer.Batching;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Reliability.Tests.Support;
using IdempotentConsumer.Testing.Faults;
using IdempotentConsumer.Testing.Storm;
using Xunit;

namespace IdempotentConsumer.Reliability.Tests.Storm;

/// <summary>
/// The extended storm (issue 10): ordinary configurations that used to double effects, lose messages or mix users'
/// responses. Where nothing legitimately re-runs a handler (no crash, no lapsed lease), the side effect is counted
/// on every handler run, not through a key-honouring API, so any second execution shows as a double effect.
/// </summary>
public abstract partial class StormSuite
{
    [Fact]
    public async Task Given_handlers_that_outlive_RecordExpiry_while_a_heartbeat_extends_their_lease_Then_no_duplicate_takes_the_key_and_each_order_runs_once()
    {
        // Handlers of 6 s against a 5 s RecordExpiry (the durable stores keep expiry in whole seconds), under the worker's
        // 1 s visibility kept alive every 100 ms. A copy rejected while the holder runs is hidden until the holder's lease
        // end plus a second, whole seconds: it comes back at most 3 s after the holder completed, inside the record's expiry.
        // Enough consumers that no copy waits behind busy ones past the completed record's expiry.
        var report = await StrictStorm(orders: 24)
            .WithConsumers(64)
            .WithConcurrentDuplicates(0.5, copies: 3)
            .WithSlowHandlers(1.0, TimeSpan.FromSeconds(6))
            .WithLease(TimeSpan.FromSeconds(1))
            .WithLeaseHeartbeat(TimeSpan.FromMilliseconds(100))
            .ConfigureIdempotency(o =>
            {
                o.KeyPrefix = $"outlive-{Guid.NewGuid():N}";
                o.RecordExpiry = TimeSpan.FromSeconds(5);
            })
            .RunAsync();
        output.WriteLine(report.ToString());

        report.AssertEffectivelyOnce();
        report.AssertEveryFailureTyped();
        Assert.Equal(24, report.HandlerInvocations);
        Assert.True(report.SlowHandlers >= 24 && report.LeaseExtensions > 0 && report.ConcurrentDuplicates > 0, report.ToString());
        Assert.Equal(0, report.DeadLettered);
    }

    [Fact]
    public async Task Given_lease_extensions_that_fail_under_long_handlers_Then_a_lease_that_cannot_be_kept_stops_its_handler_and_every_order_ships_once()
    {
        var shipping = new ShippingApi();

        var report = await StormOver(shipping, orders: 24)
            .WithConcurrentDuplicates(0.3, copies: 2)
            .WithSlowHandlers(1.0, TimeSpan.FromMilliseconds(800))
            .WithLease(TimeSpan.FromMilliseconds(300))
            .WithLeaseHeartbeat(TimeSpan.FromMilliseconds(100))
            .WithLeaseExtensionFaults(0.35)
            .RunAsync();
        output.WriteLine(report.ToString());

        report.AssertEffectivelyOnce();
        report.AssertEveryFailureTyped();
        Assert.True(report.LeaseExtensionFaults > 0, report.ToString());
        Assert.Equal(0, report.DeadLettered);
        Assert.All(shipping.ShipmentsByOrder, order => Assert.Equal(1, order.Value));
    }

    [Fact]
    public async Task Given_begins_whose_write_lands_but_whose_reply_is_lost_and_a_receive_budget_of_3_Then_the_begin_recognises_its_own_record_and_nothing_is_dead_lettered()
    {
        var report = await StrictStorm(orders: 150)
            .WithDuplicateSends(0.2)
            .WithLostBeginReplies(0.10)
            .WithMaxReceiveCount(3)
            .RunAsync();
        output.WriteLine(report.ToString());

        report.AssertEffectivelyOnce();
        report.AssertEveryFailureTyped();
        Assert.True(report.LostBeginReplies > 0, report.ToString());
        Assert.Equal(150, report.HandlerInvocations);
    }

    [Fact]
    public async Task Given_a_store_that_fails_calls_of_every_kind_under_a_heartbeat_a_batch_precheck_and_waiting_duplicates_Then_every_order_ships_once_and_none_is_lost()
    {
        // Begins, completes, releases, lease extensions, single and batch reads all fail, before or after their write
        // lands; the pre-check reads every receive and copies wait for their original, so the read paths are in the
        // line of fire too. The side effect is a key-honouring API: a lost completion legitimately re-runs a handler.
        var shipping = new ShippingApi();
        FaultInjectingIdempotencyStore? injector = null;

        var report = await StormOver(shipping, orders: 120)
            .WithDuplicateSends(0.3)
            .WithConcurrentDuplicates(0.2, copies: 2)
            .WithRedeliveries(0.1)
            .WithStoreFaults(0.08)
            .WithStoreFaults(faults => injector = faults)
            .WithSlowHandlers(0.3, Lease * 2)
            .WithLeaseHeartbeat(Lease / 4)
            .ConfigureIdempotency(o =>
            {
                o.KeyPrefix = $"every-call-{Guid.NewGuid():N}";
                o.BatchPrecheck = BatchPrecheckMode.Always;
                o.InProgressWaitTimeout = TimeSpan.FromSeconds(2);
                o.InProgressWaitPollDelay = TimeSpan.FromMilliseconds(50);
            })
            .RunAsync();
        output.WriteLine(report.ToString());

        report.AssertEffectivelyOnce();
        report.AssertEveryFailureTyped();
        Assert.Equal(0, report.DeadLettered);
        Assert.All(shipping.ShipmentsByOrder, order => Assert.Equal(1, order.Value));
        Assert.Equal(120, shipping.ShipmentsByOrder.Count);
        Assert.NotNull(injector);
        foreach (var operation in new[] { StoreOperations.Begin, StoreOperations.Complete, StoreOperations.ExtendLease, StoreOperations.GetMany })
        {
            Assert.True(injector.CountInjected(operation) > 0, $"no fault was injected into {operation}: {report}");
        }
    }

    [Fact]
    public async Task Given_responses_that_cannot_be_stored_for_some_orders_Then_their_side_effect_never_repeats_and_duplicates_are_acknowledged()
    {
        // Every 7th result is unserializable; every 11th is over DynamoDB's 400 KB item limit (stored by the other stores).
        var oversized = new string('x', 450 * 1024);
        var report = await StrictStorm(orders: 120)
            .WithDuplicateSends(0.3)
            .WithRedeliveries(0.1)
            .WithResponses(order => Number(order) switch
            {
                var n when n % 7 == 0 => new UnstorableResponse(),
                var n when n % 11 == 0 => oversized,
                _ => $"shipped {order.OrderId} for {order.UserId}",
            })
            .RunAsync();
        output.WriteLine(report.ToString());

        report.AssertEffectivelyOnce();
        report.AssertEveryFailureTyped();
        Assert.Equal(120, report.HandlerInvocations);
        Assert.True(report.ResponsesNotStored >= 120 / 7, report.ToString());
        Assert.True(report.Replays > 0, report.ToString());
        Assert.Equal(0, report.DeadLettered);
    }

    [Fact]
    public async Task Given_a_composite_selector_key_whose_members_are_all_null_for_anonymous_users_Then_no_request_is_replayed_another_users_response()
    {
        var report = await AccountStorm(IdempotencyStorm.For<AccountRequest>(r => new { r.UserId, r.OrderId }));

        AssertNoCrossUserReplays(report);
    }

    [Fact]
    public async Task Given_a_composite_JMESPath_key_whose_members_are_all_null_for_anonymous_users_Then_no_request_is_replayed_another_users_response()
    {
        var report = await AccountStorm(IdempotencyStorm.For<AccountRequest>("[userId, orderId]"));

        AssertNoCrossUserReplays(report);
    }

    [Fact]
    public async Task Given_a_receive_budget_of_3_and_consumers_that_crash_mid_handler_Then_a_survivor_takes_over_each_order_ships_once_and_nothing_unprocessed_is_dead_lettered()
    {
        var shipping = new ShippingApi();

        var report = await StormOver(shipping, orders: 150)
            .WithDuplicateSends(0.2)
            .WithConcurrentDuplicates(0.1, copies: 2)
            .WithCrashBeforeSideEffect(0.05)
            .WithCrashAfterSideEffect(0.05)
            .WithCrashesOnFirstDeliveryOnly()
            .WithLease(TimeSpan.FromMilliseconds(300))
            .WithVisibilityTimeout(TimeSpan.FromMilliseconds(400))
            .WithMaxReceiveCount(3)
            .RunAsync();
        output.WriteLine(report.ToString());

        report.AssertEffectivelyOnce();
        report.AssertEveryFailureTyped();
        Assert.True(report.CrashesInjected > 0, report.ToString());
        Assert.All(shipping.ShipmentsByOrder, order => Assert.Equal(1, order.Value));
    }

    private async Task<StormReport> AccountStorm(IdempotencyStormBuilder<AccountRequest> storm)
    {
        // Anonymous requests run unguarded on every delivery, so the downstream deduplicates them on their request id.
        var api = new ShippingApi();
        var report = await storm
            .WithStore(Store)
            .WithMessages(100, AccountRequest.Numbered)
            .WithSideEffect((request, key, ct) => api.ShipAsync(request.RequestId, key.Length == 0 ? $"request:{request.RequestId}" : key, ct))
            .WithResponses(request => request.Response)
            .WithDuplicateSends(0.4)
            .WithRedeliveries(0.1)
            .WithConsumers(8)
            .WithLease(Lease)
            .WithSeed(StormSeed.Next())
            .ConfigureIdempotency(o =>
            {
                o.KeyPrefix = $"accounts-{Guid.NewGuid():N}";
                o.ThrowOnMissingKey = false;
            })
            .WithTimeout(TimeSpan.FromSeconds(60))
            .RunAsync();
        output.WriteLine(report.ToString());
        return report;
    }

    private static void AssertNoCrossUserReplays(StormReport report)
    {
        Assert.True(report.CrossUserReplays == 0, report.ToString());
        report.AssertEffectivelyOnce();
        report.AssertEveryFailureTyped();
        Assert.True(report.Replays > 0, report.ToString()); // the keyed requests' duplicates were replayed, each its own
        Assert.DoesNotContain(nameof(IdempotencyKeyMissingException), report.FailuresByType.Keys);
    }

    /// <summary>
    /// A storm whose side effect counts every handler run: any second execution of an order is a double effect. Its
    /// consumers keep their leases alive with a heartbeat, so a slow store write cannot let a lease lapse under a handler.
    /// </summary>
    private IdempotencyStormBuilder<Order> StrictStorm(int orders) =>
        IdempotencyStorm.For<Order>(o => o.OrderId)
            .WithStore(Store)
            .WithMessages(orders, Order.Numbered)
            .WithSideEffect((_, effect, _) =>
            {
                effect.Record();
                return ValueTask.CompletedTask;
            })
            .WithConsumers(8)
            .WithLease(Lease)
            .WithLeaseHeartbeat(Lease / 3)
            .WithSeed(StormSeed.Next())
            .ConfigureIdempotency(o => o.KeyPrefix = $"storm-{Guid.NewGuid():N}")
            .WithTimeout(TimeSpan.FromSeconds(60));

    private static int Number(Order order) => int.Parse(order.OrderId.AsSpan("order-".Length), System.Globalization.CultureInfo.InvariantCulture);
}
