using Amazon.Lambda.Core;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Lambda.Handlers;
using IdempotentConsumer.Lambda.Tests.Support;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.Time.Testing;

namespace IdempotentConsumer.Lambda.Tests.Handlers;

public sealed class IdempotentLambdaHandlerTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2024, 6, 10, 6, 0, 0, TimeSpan.Zero));
    private readonly InMemoryIdempotencyStore _store = new();
    private readonly SideEffects _effects = new();

    public sealed record OrderPlaced(string Id, string Source, OrderDetail Detail);

    public sealed record OrderDetail(string OrderId, decimal Amount);

    public sealed record Receipt(string OrderId, string ShipmentId);

    private IdempotencyExecutor Executor() => new(_store, new IdempotencyOptions { KeyPrefix = "ship-function" }, _clock);

    private Task<Receipt> Ship(OrderPlaced e, ILambdaContext context)
    {
        _effects.Record(e.Detail.OrderId);
        return Task.FromResult(new Receipt(e.Detail.OrderId, $"shp-{_effects[e.Detail.OrderId]}-{context.AwsRequestId}"));
    }

    [Fact]
    public async Task Given_a_selector_key_When_the_same_order_arrives_in_two_events_Then_the_handler_runs_once_and_the_receipt_is_replayed()
    {
        var handler = IdempotentLambda.Wrap<OrderPlaced, Receipt>(Executor(), Ship, o => o.KeySelector = e => e.Detail.OrderId);

        var first = await handler(new OrderPlaced("evt-1", "shop", new OrderDetail("o-1", 5)), LambdaContexts.Create(clock: _clock));
        var second = await handler(new OrderPlaced("evt-2-producer-retry", "shop", new OrderDetail("o-1", 5)), LambdaContexts.Create(clock: _clock));

        Assert.Equal(first, second);
        Assert.Equal(1, _effects["o-1"]);
    }

    [Fact]
    public async Task Given_a_JMESPath_key_When_events_differ_only_outside_the_key_Then_they_share_one_execution()
    {
        var handler = IdempotentLambda.Wrap<OrderPlaced, Receipt>(Executor(), Ship, o => o.KeyJmesPath = "detail.orderId");

        await handler(new OrderPlaced("evt-1", "a", new OrderDetail("o-2", 5)), LambdaContexts.Create(clock: _clock));
        await handler(new OrderPlaced("evt-2", "b", new OrderDetail("o-2", 5)), LambdaContexts.Create(clock: _clock));
        await handler(new OrderPlaced("evt-3", "a", new OrderDetail("o-3", 5)), LambdaContexts.Create(clock: _clock));

        Assert.Equal(1, _effects["o-2"]);
        Assert.Equal(1, _effects["o-3"]);
    }

    [Fact]
    public async Task Given_no_key_option_When_wrapped_Then_the_whole_event_is_the_key()
    {
        var handler = IdempotentLambda.Wrap<OrderPlaced, Receipt>(Executor(), Ship);

        await handler(new OrderPlaced("evt-1", "a", new OrderDetail("o-4", 5)), LambdaContexts.Create(clock: _clock));
        await handler(new OrderPlaced("evt-1", "a", new OrderDetail("o-4", 5)), LambdaContexts.Create(clock: _clock));
        await handler(new OrderPlaced("evt-2", "a", new OrderDetail("o-4", 5)), LambdaContexts.Create(clock: _clock));

        Assert.Equal(2, _effects["o-4"]);
    }

    [Fact]
    public async Task Given_a_context_with_40_seconds_left_When_the_handler_runs_Then_the_stored_lease_ends_at_remaining_minus_margin()
    {
        DateTimeOffset? leaseEnd = null;
        var executor = Executor();
        var handler = IdempotentLambda.Wrap<OrderPlaced, Receipt>(
            executor,
            async (e, c) =>
            {
                Assert.True(executor.TryGetKey(new IdempotencyInvocation<OrderPlaced>(e) { KeyMaterial = e.Detail.OrderId }, out var key));
                leaseEnd = (await _store.GetAsync(key))!.InProgressExpiresAt;
                return await Ship(e, c);
            },
            o =>
            {
                o.KeySelector = e => e.Detail.OrderId;
                o.LeaseSafetyMargin = TimeSpan.FromSeconds(3);
            });

        await handler(new OrderPlaced("evt-1", "a", new OrderDetail("o-5", 5)), LambdaContexts.Create(TimeSpan.FromSeconds(40), _clock));

        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromSeconds(37), leaseEnd);
    }

    [Fact]
    public async Task Given_too_little_time_left_When_invoked_Then_it_refuses_before_writing_anything()
    {
        var handler = IdempotentLambda.Wrap<OrderPlaced, Receipt>(Executor(), Ship, o => o.KeySelector = e => e.Detail.OrderId);

        await Assert.ThrowsAsync<InsufficientRemainingTimeException>(() =>
            handler(new OrderPlaced("evt-1", "a", new OrderDetail("o-6", 5)), LambdaContexts.Create(TimeSpan.FromMilliseconds(1500), _clock)));

        Assert.Equal(0, _effects.Total);
        Assert.Equal(0, _store.Count);
    }

    [Fact]
    public async Task Given_a_duplicate_arrives_while_the_first_runs_When_invoked_Then_it_gets_AlreadyInProgress_not_a_second_run()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = IdempotentLambda.Wrap<OrderPlaced, Receipt>(
            Executor(),
            async (e, c) =>
            {
                entered.SetResult();
                await release.Task;
                return await Ship(e, c);
            },
            o => o.KeySelector = e => e.Detail.OrderId);
        var evt = new OrderPlaced("evt-1", "a", new OrderDetail("o-7", 5));

        var first = handler(evt, LambdaContexts.Create(clock: _clock));
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<IdempotencyAlreadyInProgressException>(() => handler(evt, LambdaContexts.Create(clock: _clock)));
        release.SetResult();
        await first;

        Assert.Equal(1, _effects["o-7"]);
    }

    [Fact]
    public async Task Given_the_handler_throws_When_the_event_is_retried_Then_it_runs_again()
    {
        var calls = 0;
        var handler = IdempotentLambda.Wrap<OrderPlaced, Receipt>(
            Executor(),
            (e, c) => ++calls == 1 ? throw new InvalidOperationException("first attempt fails") : Ship(e, c),
            o => o.KeySelector = e => e.Detail.OrderId);
        var evt = new OrderPlaced("evt-1", "a", new OrderDetail("o-8", 5));

        await Assert.ThrowsAsync<InvalidOperationException>(() => handler(evt, LambdaContexts.Create(clock: _clock)));
        await handler(evt, LambdaContexts.Create(clock: _clock));

        Assert.Equal(2, calls);
        Assert.Equal(1, _effects["o-8"]);
    }

    [Fact]
    public async Task Given_a_handler_still_running_When_the_lease_ends_Then_its_token_is_cancelled()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var wrapped = IdempotentLambda.Create<OrderPlaced, Receipt>(
            Executor(),
            async (e, c, ct) =>
            {
                entered.TrySetResult();
                await Task.Delay(Timeout.InfiniteTimeSpan, _clock, ct);
                return await Ship(e, c);
            },
            o => o.KeySelector = e => e.Detail.OrderId,
            _clock);

        var running = wrapped.HandleAsync(new OrderPlaced("evt-1", "a", new OrderDetail("o-9", 5)), LambdaContexts.Create(TimeSpan.FromSeconds(10), _clock));
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(5));
        _clock.Advance(TimeSpan.FromSeconds(9));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, _store.Count);
        Assert.Equal(0, _effects.Total);
    }

    [Fact]
    public async Task Given_a_handler_without_result_When_wrapped_Then_duplicates_do_not_run_it_again()
    {
        var handler = IdempotentLambda.Wrap<OrderPlaced>(Executor(), (e, _) =>
        {
            _effects.Record(e.Detail.OrderId);
            return Task.CompletedTask;
        }, o => o.KeySelector = e => e.Id);

        await handler(new OrderPlaced("evt-1", "a", new OrderDetail("o-10", 5)), LambdaContexts.Create(clock: _clock));
        await handler(new OrderPlaced("evt-1", "a", new OrderDetail("o-10", 5)), LambdaContexts.Create(clock: _clock));

        Assert.Equal(1, _effects["o-10"]);
    }
}
