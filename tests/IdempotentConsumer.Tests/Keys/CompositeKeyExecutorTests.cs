using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Tests.Support;
using Xunit;

namespace IdempotentConsumer.Tests.Keys;

/// <summary>Through the executor: empty composite keys never share a record, and differently typed values never replay each other.</summary>
public sealed class CompositeKeyExecutorTests
{
    [Fact]
    public async Task Given_two_users_whose_composite_selector_keys_are_all_null_When_executed_Then_each_handler_runs_and_nothing_is_stored()
    {
        var h = new ExecutorHarness(o => o.KeySource = IdempotencyKeySource.From<Order>(x => new { x.UserId, x.OrderId }));

        var alice = await h.ExecuteWithOutcomeAsync(new Order(null!, null!, 10m));
        var bob = await h.ExecuteWithOutcomeAsync(new Order(null!, null!, 99m));

        Assert.Equal(IdempotencyOutcomeKind.Unguarded, alice.Kind);
        Assert.Equal(IdempotencyOutcomeKind.Unguarded, bob.Kind);
        Assert.NotEqual(alice.Value.ShipmentId, bob.Value.ShipmentId);
        Assert.Equal(2, h.HandlerCalls);
        Assert.Equal(0, h.InMemory.Count);
    }

    [Fact]
    public async Task Given_a_composite_jmespath_key_that_is_all_null_and_keys_required_When_executed_Then_it_throws_key_missing_and_stores_nothing()
    {
        var h = new ExecutorHarness(o =>
        {
            o.KeySource = IdempotencyKeySource.FromJmesPath("[user.uid, orderId]");
            o.ThrowOnMissingKey = true;
        });

        await Assert.ThrowsAsync<IdempotencyKeyMissingException>(() =>
            h.Executor.ExecuteAsync(new IdempotencyInvocation<string>("""{"orderId":null}"""), 0, (_, _) => ValueTask.FromResult(1)).AsTask());

        Assert.Equal(0, h.InMemory.Count);
    }

    [Theory]
    [InlineData("""{"id":"1"}""", """{"id":1}""")]
    [InlineData("""{"id":"true"}""", """{"id":true}""")]
    [InlineData("""{"id":0.1}""", """{"id":0.10000000000000001}""")]
    [InlineData("""{"id":1e400}""", """{"id":1e401}""")]
    public async Task Given_two_payloads_whose_keys_differ_only_in_type_or_precision_When_executed_Then_neither_replays_the_other(string first, string second)
    {
        var h = new ExecutorHarness(o => o.KeySource = IdempotencyKeySource.FromJmesPath("id"));
        var calls = 0;

        var a = await h.Executor.ExecuteAsync(new IdempotencyInvocation<string>(first), 0, (_, _) => ValueTask.FromResult(++calls));
        var b = await h.Executor.ExecuteAsync(new IdempotencyInvocation<string>(second), 0, (_, _) => ValueTask.FromResult(++calls));

        Assert.Equal(IdempotencyOutcomeKind.Executed, a.Kind);
        Assert.Equal(IdempotencyOutcomeKind.Executed, b.Kind);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Given_a_jmespath_naming_a_csharp_property_When_executed_Then_it_fails_as_configuration_before_the_handler_runs()
    {
        var h = new ExecutorHarness(o => o.KeySource = IdempotencyKeySource.FromJmesPath("OrderId"));

        await Assert.ThrowsAsync<IdempotencyConfigurationException>(() => h.ExecuteWithOutcomeAsync(ExecutorHarness.NewOrder()).AsTask());

        Assert.Equal(0, h.HandlerCalls);
        Assert.Equal(0, h.InMemory.Count);
    }
}
