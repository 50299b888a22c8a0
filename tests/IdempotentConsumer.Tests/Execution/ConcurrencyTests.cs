using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Tests.Support;
using Xunit;

namespace IdempotentConsumer.Tests.Execution;

/// <summary>Many concurrent deliveries of one key.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Given_64_concurrent_calls_with_one_key_When_they_race_Then_the_handler_runs_exactly_once_and_every_other_call_sees_in_progress_or_the_replay()
    {
        const int Contenders = 64;
        for (var round = 0; round < 5; round++)
        {
            var h = new ExecutorHarness();
            var order = ExecutorHarness.NewOrder();
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var handlerCalls = 0;

            var calls = Enumerable.Range(0, Contenders).Select(_ => Task.Run(async () =>
            {
                await start.Task;
                try
                {
                    var outcome = await h.Executor.ExecuteAsync(
                        new IdempotencyInvocation<Order>(order),
                        0,
                        async (call, ct) =>
                        {
                            Interlocked.Increment(ref handlerCalls);
                            await Task.Delay(5, ct);
                            return "shipped";
                        });
                    Assert.Equal("shipped", outcome.Value);
                    return outcome.Kind.ToString();
                }
                catch (IdempotencyAlreadyInProgressException)
                {
                    return "InProgress";
                }
            })).ToArray();
            start.SetResult();
            var results = await Task.WhenAll(calls);

            Assert.Equal(1, handlerCalls);
            Assert.Equal(1, results.Count(r => r == nameof(IdempotencyOutcomeKind.Executed)));
            Assert.All(results, r => Assert.Contains(r, new[] { nameof(IdempotencyOutcomeKind.Executed), nameof(IdempotencyOutcomeKind.Replayed), "InProgress" }));
            Assert.Equal(Contenders, results.Length);
        }
    }

    [Fact]
    public async Task Given_64_concurrent_calls_with_distinct_keys_When_they_run_Then_every_handler_runs_once()
    {
        var h = new ExecutorHarness();
        var orders = Enumerable.Range(0, 64).Select(i => ExecutorHarness.NewOrder($"o-{i}")).ToArray();

        var outcomes = await Task.WhenAll(orders.Select(o => Task.Run(() => h.ExecuteWithOutcomeAsync(o).AsTask())));

        Assert.All(outcomes, o => Assert.Equal(IdempotencyOutcomeKind.Executed, o.Kind));
        Assert.Equal(64, h.HandlerCalls);
        Assert.Equal(64, h.InMemory.Count);
    }
}
