using IdempotentConsumer.Reliability.Tests.Support;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Testing.Faults;
using IdempotentConsumer.Testing.Storm;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Reliability.Tests.Kit;

/// <summary>The harness itself: it must catch a handler that is not idempotent, not only bless one that is.</summary>
public sealed class IdempotencyStormHarnessTests(ITestOutputHelper output)
{
    private static IdempotencyStormBuilder<Order> Storm(int messages = 120) =>
        IdempotencyStorm.For<Order>(o => o.OrderId)
            .WithMessages(messages, Order.Numbered)
            .WithConsumers(6)
            .WithLease(TimeSpan.FromMilliseconds(300))
            .WithSeed(20250101);

    [Fact]
    public async Task Given_a_side_effect_that_ignores_the_key_When_consumers_crash_after_it_Then_the_report_finds_double_effects()
    {
        var naiveShipments = 0;
        var report = await Storm()
            .WithSideEffect((order, effect, ct) =>
            {
                Interlocked.Increment(ref naiveShipments); // ships every time: no key passed downstream
                effect.Record();
                return ValueTask.CompletedTask;
            })
            .WithCrashAfterSideEffect(0.3)
            .RunAsync();
        output.WriteLine(report.ToString());

        Assert.True(report.CrashesAfterSideEffect > 0);
        Assert.True(report.DoubleEffects > 0);
        Assert.Equal(report.Messages + report.CrashesAfterSideEffect, report.Effects); // each crash cost one extra shipment
        Assert.Equal(naiveShipments, report.Effects);
        var failure = Assert.Throws<StormAssertionException>(report.AssertEffectivelyOnce);
        Assert.Contains("double effects", failure.Message, StringComparison.Ordinal);
        Assert.Same(report, failure.Report);
    }

    [Fact]
    public async Task Given_the_same_side_effect_honouring_the_key_When_consumers_crash_after_it_Then_every_order_ships_once()
    {
        var shipping = new ShippingApi();
        var report = await Storm()
            .WithSideEffect((order, key, ct) => shipping.ShipAsync(order.OrderId, key, ct))
            .WithCrashAfterSideEffect(0.3)
            .RunAsync();
        output.WriteLine(report.ToString());

        report.AssertEffectivelyOnce();
        Assert.True(report.CrashesAfterSideEffect > 0);
        // Each crash costs one more invocation; a lease lapsed by a stalled machine could add one, and shows as a stale owner.
        Assert.InRange(report.HandlerInvocations, report.Messages + report.CrashesAfterSideEffect, report.Messages + report.CrashesAfterSideEffect + report.StaleOwnerRejections);
        Assert.Equal(report.HandlerInvocations, shipping.Calls);
        Assert.All(shipping.ShipmentsByOrder.Values, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task Given_a_side_effect_that_never_records_When_the_storm_ends_Then_every_message_counts_as_lost_with_a_hint()
    {
        var report = await Storm(20).WithSideEffect((_, _, _) => ValueTask.CompletedTask).RunAsync();

        Assert.Equal(20, report.Lost);
        var failure = Assert.Throws<StormAssertionException>(report.AssertEffectivelyOnce);
        Assert.Contains("effect.Record()", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_handler_that_throws_an_untyped_error_once_per_order_When_the_storm_runs_Then_the_messages_are_retried_and_the_untyped_failures_are_reported()
    {
        var shipping = new ShippingApi();
        var failedOnce = new HashSet<string>();
        var report = await Storm(30)
            .WithSideEffect(async (order, effect, ct) =>
            {
                lock (failedOnce)
                {
                    if (failedOnce.Add(order.OrderId))
                    {
                        throw new InvalidOperationException("the shipping client was not ready");
                    }
                }

                if (await shipping.ShipAsync(order.OrderId, effect.IdempotencyKey, ct))
                {
                    effect.Record();
                }
            })
            .RunAsync();

        report.AssertEffectivelyOnce();
        Assert.Equal(30, report.UntypedFailures);
        Assert.Equal(30, report.FailuresByType["InvalidOperationException"]);
        var failure = Assert.Throws<StormAssertionException>(report.AssertEveryFailureTyped);
        Assert.Contains("the shipping client was not ready", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_duplicate_sends_and_concurrent_copies_When_the_storm_runs_Then_sends_add_up_and_the_extras_are_replayed_or_rejected()
    {
        var shipping = new ShippingApi();
        var report = await Storm()
            .WithSideEffect((order, key, ct) => shipping.ShipAsync(order.OrderId, key, ct))
            .WithDuplicateSends(0.5)
            .WithConcurrentDuplicates(0.2, copies: 4)
            .RunAsync();
        output.WriteLine(report.ToString());

        report.AssertEffectivelyOnce();
        report.AssertEveryFailureTyped();
        Assert.True(report.DuplicateSends > 0 && report.ConcurrentDuplicates > 0);
        Assert.Equal(report.Messages + report.DuplicateSends + report.ConcurrentDuplicates, report.Sends);
        Assert.Equal(report.Sends, report.PerMessage.Sum(m => m.Sends));
        // No crash: the handler ran once per order (plus any lease a stalled machine let lapse, seen as a stale owner).
        Assert.InRange(report.HandlerInvocations, report.Messages, report.Messages + report.StaleOwnerRejections);
        Assert.True(report.Replays > 0);
    }

    [Fact]
    public async Task Given_lost_acknowledgements_When_the_storm_runs_Then_the_queue_redelivers_and_the_redeliveries_are_replayed()
    {
        var shipping = new ShippingApi();
        var report = await Storm(60)
            .WithSideEffect((order, key, ct) => shipping.ShipAsync(order.OrderId, key, ct))
            .WithRedeliveries(0.3)
            .RunAsync();

        report.AssertEffectivelyOnce();
        Assert.True(report.LostAcknowledgements > 0);
        Assert.True(report.VisibilityExpiries >= report.LostAcknowledgements);
        Assert.True(report.Replays >= report.LostAcknowledgements);
    }

    [Fact]
    public async Task Given_a_custom_fault_rule_When_the_storm_runs_Then_its_faults_are_counted_in_the_report()
    {
        var shipping = new ShippingApi();
        var report = await Storm(40)
            .WithSideEffect((order, key, ct) => shipping.ShipAsync(order.OrderId, key, ct))
            .WithStoreFaults(f => f.Inject(StoreOperations.Complete, StoreFaultKind.Error, probability: 1, timing: FaultTiming.AfterWrite, maxFaults: 5))
            .RunAsync();

        report.AssertEffectivelyOnce();
        Assert.Equal(5, report.StoreFaultsInjected);
        Assert.Equal(5, report.FailuresByType["IdempotencyPersistenceException"]);
    }

    [Fact]
    public async Task Given_a_user_supplied_fault_injector_as_the_store_When_the_storm_runs_Then_the_report_counts_its_faults()
    {
        var shipping = new ShippingApi();
        var injector = new FaultInjectingIdempotencyStore(new InMemoryIdempotencyStore(), seed: 5).FailNext(StoreOperations.Begin, 3);
        var report = await Storm(30)
            .WithStore(injector)
            .WithSideEffect((order, key, ct) => shipping.ShipAsync(order.OrderId, key, ct))
            .RunAsync();

        report.AssertEffectivelyOnce();
        Assert.Equal(3, report.StoreFaultsInjected);
    }

    [Fact]
    public void Given_a_rate_outside_0_to_1_When_configuring_Then_it_is_refused()
    {
        var builder = IdempotencyStorm.For<Order>(o => o.OrderId);

        Assert.Throws<ArgumentOutOfRangeException>(() => builder.WithDuplicateSends(1.2));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.WithStoreFaults(-0.01));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.WithConcurrentDuplicates(0.1, copies: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.WithConsumers(0));
    }

    [Fact]
    public async Task Given_no_messages_or_no_side_effect_When_running_Then_it_says_what_is_missing()
    {
        var noMessages = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            IdempotencyStorm.For<Order>(o => o.OrderId).WithSideEffect((_, _, _) => ValueTask.CompletedTask).RunAsync());
        var noSideEffect = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            IdempotencyStorm.For<Order>(o => o.OrderId).WithMessages(1, Order.Numbered).RunAsync());

        Assert.Contains("WithMessages", noMessages.Message, StringComparison.Ordinal);
        Assert.Contains("WithSideEffect", noSideEffect.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_JMESPath_key_When_duplicates_arrive_Then_the_key_deduplicates_like_a_selector()
    {
        var shipping = new ShippingApi();
        var report = await IdempotencyStorm.For<Order>("orderId")
            .WithMessages(50, Order.Numbered)
            .WithSideEffect((order, key, ct) => shipping.ShipAsync(order.OrderId, key, ct))
            .WithDuplicateSends(0.5)
            .WithSeed(9)
            .RunAsync();

        report.AssertEffectivelyOnce();
        Assert.Equal(50, report.EffectsPerKey.Count);
        Assert.All(report.EffectsPerKey, pair => Assert.StartsWith("storm#", pair.Key, StringComparison.Ordinal));
    }
}
