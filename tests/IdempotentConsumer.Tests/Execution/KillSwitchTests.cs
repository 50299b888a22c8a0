using IdempotentConsumer.Execution;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Tests.Support;
using Moq;
using Xunit;

namespace IdempotentConsumer.Tests.Execution;

/// <summary>The kill switch: options or environment turn idempotency off; the store is never called.</summary>
[Collection(ProcessWideStateCollection.Name)]
public sealed class KillSwitchTests
{
    [Fact]
    public async Task Given_idempotency_disabled_in_options_When_the_same_message_runs_twice_Then_the_handler_runs_twice_with_zero_store_calls()
    {
        var store = new Mock<IIdempotencyStore>(MockBehavior.Strict);
        var h = new ExecutorHarness(o => o.Disabled = true, store.Object);
        var order = ExecutorHarness.NewOrder();

        var first = await h.ExecuteWithOutcomeAsync(order);
        var second = await h.ExecuteWithOutcomeAsync(order);

        Assert.True(h.Executor.IsDisabled);
        Assert.Equal(IdempotencyOutcomeKind.Unguarded, first.Kind);
        Assert.Equal(IdempotencyOutcomeKind.Unguarded, second.Kind);
        Assert.Equal(2, h.HandlerCalls);
        store.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData(IdempotencyKillSwitch.VariableName, "true")]
    [InlineData(IdempotencyKillSwitch.VariableName, "1")]
    [InlineData(IdempotencyKillSwitch.PowertoolsVariableName, "TRUE")]
    [InlineData(IdempotencyKillSwitch.PowertoolsVariableName, "yes")]
    public async Task Given_the_kill_switch_variable_is_set_When_the_same_message_runs_twice_Then_the_handler_runs_twice_with_zero_store_calls(string variable, string value)
    {
        using var _ = new EnvironmentVariableScope(variable, value);
        var store = new Mock<IIdempotencyStore>(MockBehavior.Strict);
        var h = new ExecutorHarness(store: store.Object);
        var order = ExecutorHarness.NewOrder();

        await h.ExecuteAsync(order);
        await h.ExecuteAsync(order);

        Assert.True(IdempotencyKillSwitch.IsSetInEnvironment());
        Assert.True(h.Executor.IsDisabled);
        Assert.Equal(2, h.HandlerCalls);
        store.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("false")]
    [InlineData("0")]
    [InlineData("")]
    public async Task Given_the_kill_switch_variable_holds_a_false_value_When_a_duplicate_arrives_Then_idempotency_stays_on(string value)
    {
        using var _ = new EnvironmentVariableScope(IdempotencyKillSwitch.VariableName, value);
        var h = new ExecutorHarness();
        var order = ExecutorHarness.NewOrder();

        await h.ExecuteAsync(order);
        await h.ExecuteAsync(order);

        Assert.False(h.Executor.IsDisabled);
        Assert.Equal(1, h.HandlerCalls);
    }

    private sealed class EnvironmentVariableScope : IDisposable
    {
        private readonly string _name;
        private readonly string? _previous;

        public EnvironmentVariableScope(string name, string value)
        {
            _name = name;
            _previous = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, value);
        }

        public void Dispose() => Environment.SetEnvironmentVariable(_name, _previous);
    }
}
