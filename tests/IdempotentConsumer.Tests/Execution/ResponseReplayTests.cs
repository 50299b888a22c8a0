using System.Text.Json;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Tests.Support;
using Xunit;

namespace IdempotentConsumer.Tests.Execution;

/// <summary>How responses are stored and replayed, the response hook, and the synchronous overload.</summary>
public sealed class ResponseReplayTests
{
    [Fact]
    public async Task Given_serializer_options_with_a_source_generated_context_When_a_duplicate_replays_Then_the_response_round_trips_through_that_context()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = TestJsonContext.Default };
        var h = new ExecutorHarness(o => o.SerializerOptions = options);
        var order = ExecutorHarness.NewOrder("o-7");

        var first = await h.ExecuteAsync(order);
        var replay = await h.ExecuteWithOutcomeAsync(order);

        Assert.Equal(IdempotencyOutcomeKind.Replayed, replay.Kind);
        Assert.Equal(first, replay.Value);
        Assert.Equal("""{"orderId":"o-7","shipmentId":"shp-o-7-1","attempt":1}""", (await h.InMemory.GetAsync(replay.Key!))!.ResponseData);
    }

    [Fact]
    public async Task Given_a_source_generated_context_that_lacks_the_result_type_When_the_handler_succeeds_Then_a_configuration_error_names_the_problem()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = TestJsonContext.Default };
        var h = new ExecutorHarness(o => o.SerializerOptions = options);

        var error = await Assert.ThrowsAsync<IdempotencyConfigurationException>(() =>
            h.Executor.ExecuteAsync<Order, Guid>(ExecutorHarness.NewOrder(), (_, _) => ValueTask.FromResult(Guid.NewGuid())).AsTask());

        Assert.Contains("Guid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_response_hook_When_the_first_call_runs_and_a_duplicate_replays_Then_the_hook_runs_on_the_replay_only()
    {
        var hookCalls = 0;
        var h = new ExecutorHarness(o => o.ResponseHook = (response, record) =>
        {
            hookCalls++;
            Assert.Equal(Records.IdempotencyRecordStatus.Completed, record.Status);
            return ((ShipmentReceipt)response!) with { ShipmentId = "replayed:" + ((ShipmentReceipt)response).ShipmentId };
        });
        var order = ExecutorHarness.NewOrder("o-8");

        var first = await h.ExecuteAsync(order);
        Assert.Equal(0, hookCalls);
        var replay = await h.ExecuteAsync(order);

        Assert.Equal(1, hookCalls);
        Assert.Equal("shp-o-8-1", first.ShipmentId);
        Assert.Equal("replayed:shp-o-8-1", replay.ShipmentId);
    }

    [Fact]
    public async Task Given_a_synchronous_handler_When_the_same_message_runs_twice_Then_it_runs_once_inline_and_the_duplicate_replays()
    {
        var h = new ExecutorHarness();
        var order = ExecutorHarness.NewOrder();
        var calls = 0;
        var callerThread = Environment.CurrentManagedThreadId;
        var handlerThread = -1;

        var first = await h.Executor.ExecuteAsync(order, (Order o) =>
        {
            calls++;
            handlerThread = Environment.CurrentManagedThreadId;
            return o.OrderId.Length;
        });
        var second = await h.Executor.ExecuteAsync(order, (Order o) => ++calls);

        Assert.Equal(1, calls);
        Assert.Equal(first, second);
        Assert.Equal(callerThread, handlerThread);
    }

    [Fact]
    public async Task Given_a_handler_returning_null_When_a_duplicate_replays_Then_it_replays_null()
    {
        var h = new ExecutorHarness();
        var order = ExecutorHarness.NewOrder();
        var calls = 0;

        var first = await h.Executor.ExecuteAsync<Order, string?>(order, (_, _) => { calls++; return ValueTask.FromResult<string?>(null); });
        var second = await h.Executor.ExecuteAsync<Order, string?>(order, (_, _) => { calls++; return ValueTask.FromResult<string?>("x"); });

        Assert.Null(first);
        Assert.Null(second);
        Assert.Equal(1, calls);
    }
}
