using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Records;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using IdempotentConsumer.Testing.Faults;
using Xunit;

namespace IdempotentConsumer.DynamoDB.Tests.Behaviour;

/// <summary>The executor over a real DynamoDB store: results over the item limit, and begins whose reply was lost.</summary>
[Collection(EmulatorCollections.DynamoDbLocal)]
public sealed class DynamoDbExecutorHardeningTests(DynamoDbLocalFixture fixture) : DynamoDbLocalExecutorTests(fixture, "dynamodb-hardening")
{
    [Fact]
    public async Task Given_a_response_over_400_KB_When_executed_on_DynamoDB_Local_Then_the_key_completes_without_it_and_the_duplicate_is_acknowledged_without_running()
    {
        var store = NewStore();
        var executor = Executor(store);
        var order = new Shipment($"big-{Guid.NewGuid():N}");

        var first = await Assert.ThrowsAsync<IdempotencyResponseNotStoredException>(() => executor.ExecuteAsync(
            new IdempotencyInvocation<Shipment>(order), this, static (call, _) => ValueTask.FromResult(call.State.ShipHuge())).AsTask());
        var duplicate = await executor.ExecuteAsync(
            new IdempotencyInvocation<Shipment>(order), this, static (call, _) => ValueTask.FromResult(call.State.ShipHuge()));

        Assert.IsType<IdempotencyRecordTooLargeException>(first.InnerException);
        Assert.True(Assert.IsType<string>(first.Result).Length > 400 * 1024);
        Assert.Equal(IdempotencyOutcomeKind.CompletedWithoutResponse, duplicate.Kind);
        Assert.Equal(1, Shipments);
        Assert.True(executor.TryGetKey(new IdempotencyInvocation<Shipment>(order), out var key));
        var record = await store.GetAsync(key);
        Assert.Equal(IdempotencyRecordStatus.Completed, record!.Status);
        Assert.True(record.ResponseNotStored);
    }

    [Fact]
    public async Task Given_a_begin_whose_conditional_put_lands_but_whose_reply_is_lost_When_executed_on_DynamoDB_Local_Then_it_proceeds_as_the_owner_and_runs_once()
    {
        var faults = new FaultInjectingIdempotencyStore(NewStore());
        faults.FailNext(StoreOperations.Begin, timing: FaultTiming.AfterWrite);
        var executor = Executor(faults);
        var order = new Shipment($"lost-reply-{Guid.NewGuid():N}");

        var outcome = await executor.ExecuteAsync(
            new IdempotencyInvocation<Shipment>(order), this, static (call, _) => ValueTask.FromResult(call.State.Ship()));
        var duplicate = await executor.ExecuteAsync(
            new IdempotencyInvocation<Shipment>(order), this, static (call, _) => ValueTask.FromResult(call.State.Ship()));

        Assert.Equal(1, faults.CountInjected(StoreOperations.Begin));
        Assert.Equal(IdempotencyOutcomeKind.Executed, outcome.Kind);
        Assert.Equal(IdempotencyOutcomeKind.Replayed, duplicate.Kind);
        Assert.Equal(outcome.Value, duplicate.Value);
        Assert.Equal(1, Shipments);
    }

    private string ShipHuge()
    {
        CountShipment();
        return new string('x', 420 * 1024);
    }
}
