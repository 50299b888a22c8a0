using IdempotentConsumer.Execution;
using IdempotentConsumer.Records;
using IdempotentConsumer.Testing.Faults;
using IdempotentConsumer.Tests.Support;
using Xunit;

namespace IdempotentConsumer.Tests.Execution;

/// <summary>A record the caller already read (a batch pre-check) answers a duplicate only when it is the key's, completed and live.</summary>
public sealed class KnownRecordTests
{
    private static async Task<(ExecutorHarness Harness, FaultInjectingIdempotencyStore Store, Order Order, IdempotencyRecord Record)> CompletedAsync()
    {
        var store = new FaultInjectingIdempotencyStore(new IdempotentConsumer.Stores.InMemoryIdempotencyStore());
        var h = new ExecutorHarness(store: store);
        var order = ExecutorHarness.NewOrder();
        await h.ExecuteAsync(order);
        var record = (await store.GetAsync(h.KeyOf(order)))!;
        return (h, store, order, record);
    }

    private static ValueTask<IdempotencyOutcome<ShipmentReceipt>> RunAsync(ExecutorHarness h, Order order, IdempotencyRecord known) =>
        h.Executor.ExecuteAsync(
            new IdempotencyInvocation<Order>(order) { KnownRecord = known },
            h,
            static (call, ct) => call.State.Ship(call.Payload, ct),
            CancellationToken.None);

    [Fact]
    public async Task Given_the_completed_record_of_the_key_When_passed_as_known_Then_it_is_replayed_with_no_store_call()
    {
        var (h, store, order, record) = await CompletedAsync();
        var callsBefore = store.CountCalls(StoreOperations.All);

        var outcome = await RunAsync(h, order, record);

        Assert.Equal(IdempotencyOutcomeKind.Replayed, outcome.Kind);
        Assert.Equal(callsBefore, store.CountCalls(StoreOperations.All));
        Assert.Equal(1, h.HandlerCalls);
    }

    [Fact]
    public async Task Given_a_known_record_of_another_key_When_executed_Then_it_is_ignored_and_the_message_meets_the_store()
    {
        var (h, store, _, record) = await CompletedAsync();
        var other = ExecutorHarness.NewOrder();

        var outcome = await RunAsync(h, other, record);

        Assert.Equal(IdempotencyOutcomeKind.Executed, outcome.Kind);
        Assert.Equal(2, store.CountCalls(StoreOperations.Begin));
    }

    [Fact]
    public async Task Given_a_known_record_that_has_expired_When_executed_Then_it_is_ignored_and_the_handler_runs_again()
    {
        var (h, store, order, record) = await CompletedAsync();
        h.Time.Advance(h.Options.RecordExpiry + TimeSpan.FromSeconds(1));

        var outcome = await RunAsync(h, order, record);

        Assert.Equal(IdempotencyOutcomeKind.Executed, outcome.Kind);
        Assert.Equal(2, h.HandlerCalls);
        Assert.Equal(2, store.CountCalls(StoreOperations.Begin));
    }
}
