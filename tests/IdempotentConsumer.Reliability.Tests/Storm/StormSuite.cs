using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Records;
using IdempotentConsumer.Reliability.Tests.Support;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Testing.Storm;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Reliability.Tests.Storm;

/// <summary>
/// The project's own storm suite, run against every store by a derived class: the order-shipping consumer
/// under duplicates, redeliveries, crashes and store faults; a handler that outlives its lease; a store
/// outage. The shipping API deduplicates on the idempotency key (the documented assumption), and the
/// suite counts raw handler invocations apart from shipments.
/// </summary>
public abstract partial class StormSuite(ITestOutputHelper output) : IAsyncLifetime
{
    private IIdempotencyStore? _store;

    /// <summary>Orders per storm at CI size.</summary>
    protected virtual int Orders => 300;

    /// <summary>The in-progress lease (and visibility timeout) of storm deliveries.</summary>
    protected virtual TimeSpan Lease => TimeSpan.FromMilliseconds(500);

    /// <summary>The store under test.</summary>
    protected IIdempotencyStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <summary>Creates the store under test; called before each test.</summary>
    protected abstract ValueTask<IIdempotencyStore> CreateStoreAsync();

    /// <inheritdoc />
    public virtual async Task InitializeAsync() => _store = await CreateStoreAsync();

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        switch (_store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    [Fact]
    public async Task Given_duplicate_sends_redeliveries_8_consumers_crashes_after_the_side_effect_and_1_percent_store_faults_Then_no_order_ships_twice_and_none_is_lost()
    {
        var shipping = new ShippingApi();

        var report = await StormOver(shipping)
            .WithDuplicateSends(0.30)
            .WithConcurrentDuplicates(0.05)
            .WithRedeliveries(0.05)
            .WithCrashAfterSideEffect(0.05)
            .WithCrashBeforeCompletion(0.01)
            .WithStoreFaults(0.01)
            .RunAsync();
        output.WriteLine(report.ToString());

        report.AssertEffectivelyOnce();
        report.AssertEveryFailureTyped();
        Assert.Equal(Orders, shipping.ShipmentsByOrder.Count);
        Assert.All(shipping.ShipmentsByOrder, order => Assert.Equal(1, order.Value));
        Assert.Equal(0, report.DeadLettered);

        // The storm really happened: duplicates were sent and redelivered, consumers crashed, the store failed.
        Assert.True(report.DuplicateSends > 0 && report.Redeliveries > 0 && report.VisibilityExpiries > 0, report.ToString());
        Assert.True(report.CrashesAfterSideEffect > 0 && report.StoreFaultsInjected > 0, report.ToString());

        // Raw handler invocations exceed orders (crashes made the handler run again); the API absorbed the extras.
        Assert.Equal(report.HandlerInvocations, shipping.Calls);
        Assert.True(report.HandlerInvocations >= Orders + report.CrashesAfterSideEffect, report.ToString());
        Assert.True(report.Replays > 0, report.ToString());
    }

    [Fact]
    public async Task Given_handlers_that_outlive_their_lease_in_a_storm_Then_each_late_completion_is_rejected_and_every_order_ships_once()
    {
        var shipping = new ShippingApi();

        var report = await StormOver(shipping, orders: Math.Min(Orders, 150))
            .WithDuplicateSends(0.30)
            .WithLeaseExpiryMidHandler(0.08)
            .RunAsync();
        output.WriteLine(report.ToString());

        report.AssertEffectivelyOnce();
        report.AssertEveryFailureTyped();
        Assert.True(report.LeaseExpiriesInjected > 0, report.ToString());
        Assert.Equal(0, report.LateCompletionsLanded);
        Assert.Equal(report.LeaseExpiriesInjected, report.LateCompletionsRefused);
        Assert.All(shipping.ShipmentsByOrder, order => Assert.Equal(1, order.Value));
    }

    [Fact]
    public async Task Given_a_handler_that_outlives_its_lease_When_a_new_owner_completed_meanwhile_Then_the_stale_completion_and_release_are_rejected_and_the_record_stays_the_new_owners()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var lease = TimeSpan.FromSeconds(30);
        var executor = new IdempotencyExecutor(Store, new IdempotencyOptions { KeyPrefix = $"stale-{Guid.NewGuid():N}", InProgressLease = lease }, clock);
        var order = Order.Numbered(1);
        var shipping = new ShippingApi();
        var staleStarted = new TaskCompletionSource<IdempotencyLease>(TaskCreationOptions.RunContinuationsAsynchronously);
        var staleResume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var stale = executor.ExecuteAsync(new IdempotencyInvocation<Order>(order), 0, async (call, ct) =>
        {
            staleStarted.SetResult(call.Lease!);
            await staleResume.Task;
            await shipping.ShipAsync(call.Payload.OrderId, call.Lease!.Key, ct);
            return "shipped by the stale owner";
        }).AsTask();
        var staleLease = await staleStarted.Task;

        clock.Advance(lease + TimeSpan.FromSeconds(1));
        var successor = await executor.ExecuteAsync(new IdempotencyInvocation<Order>(order), 0, async (call, ct) =>
        {
            await shipping.ShipAsync(call.Payload.OrderId, call.Lease!.Key, ct);
            return "shipped by the new owner";
        });
        staleResume.SetResult();

        await Assert.ThrowsAsync<IdempotencyStaleOwnerException>(() => stale);
        await Assert.ThrowsAsync<IdempotencyStaleOwnerException>(() => Store.ReleaseAsync(staleLease.Key, staleLease.OwnerToken).AsTask());
        await Assert.ThrowsAsync<IdempotencyStaleOwnerException>(() => Store.CompleteAsync(new CompleteRequest(staleLease.Key, staleLease.OwnerToken, clock.GetUtcNow().AddHours(1), "\"overwrite\"", null)).AsTask());
        await Assert.ThrowsAsync<IdempotencyStaleOwnerException>(() => Store.ExtendLeaseAsync(new ExtendLeaseRequest(staleLease.Key, staleLease.OwnerToken, clock.GetUtcNow().AddHours(1), clock.GetUtcNow().AddHours(1))).AsTask());

        Assert.Equal(IdempotencyOutcomeKind.Executed, successor.Kind);
        var record = await Store.GetAsync(staleLease.Key);
        Assert.Equal(IdempotencyRecordStatus.Completed, record!.Status);
        Assert.NotEqual(staleLease.OwnerToken, record.OwnerToken);
        Assert.Equal("\"shipped by the new owner\"", record.ResponseData);
        Assert.Equal(1, shipping.Shipments);
        Assert.Equal(2, shipping.Calls);

        var replay = await executor.ExecuteAsync(new IdempotencyInvocation<Order>(order), 0, (_, _) => ValueTask.FromResult("must not run"));
        Assert.Equal((IdempotencyOutcomeKind.Replayed, "shipped by the new owner"), (replay.Kind, replay.Value));
    }

    [Fact]
    public async Task Given_a_handler_that_outlives_its_lease_and_then_fails_When_a_new_owner_holds_the_key_Then_its_release_does_not_delete_the_new_owners_record()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var lease = TimeSpan.FromSeconds(30);
        var executor = new IdempotencyExecutor(Store, new IdempotencyOptions { KeyPrefix = $"stale-{Guid.NewGuid():N}", InProgressLease = lease }, clock);
        var order = Order.Numbered(2);
        var staleStarted = new TaskCompletionSource<IdempotencyLease>(TaskCreationOptions.RunContinuationsAsynchronously);
        var staleResume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var successorStarted = new TaskCompletionSource<IdempotencyLease>(TaskCreationOptions.RunContinuationsAsynchronously);
        var successorResume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var stale = executor.ExecuteAsync(new IdempotencyInvocation<Order>(order), 0, async ValueTask<string> (IdempotentCall<Order, int> call, CancellationToken ct) =>
        {
            staleStarted.SetResult(call.Lease!);
            await staleResume.Task;
            throw new TimeoutException("the shipping API timed out");
        }).AsTask();
        var staleLease = await staleStarted.Task;
        clock.Advance(lease + TimeSpan.FromSeconds(1));
        var successor = executor.ExecuteAsync(new IdempotencyInvocation<Order>(order), 0, async (call, ct) =>
        {
            successorStarted.SetResult(call.Lease!);
            await successorResume.Task;
            return "shipped";
        }).AsTask();
        var successorLease = await successorStarted.Task;

        staleResume.SetResult();
        await Assert.ThrowsAsync<TimeoutException>(() => stale); // its own error surfaces; its release was refused
        var held = await Store.GetAsync(successorLease.Key);
        Assert.Equal((IdempotencyRecordStatus.InProgress, successorLease.OwnerToken), (held!.Status, held.OwnerToken));

        successorResume.SetResult();
        Assert.Equal("shipped", (await successor).Value);
        Assert.Equal(IdempotencyRecordStatus.Completed, (await Store.GetAsync(successorLease.Key))!.Status);
        Assert.Equal(staleLease.Key, successorLease.Key);
    }

    [Fact]
    public async Task Given_a_store_outage_mid_storm_Then_processing_stops_messages_stay_queued_and_everything_ships_once_when_it_returns()
    {
        var shipping = new ShippingApi();

        var report = await StormOver(shipping, handlerDelay: TimeSpan.FromMilliseconds(5))
            .WithDuplicateSends(0.30)
            .WithStoreOutage(startAfter: TimeSpan.FromMilliseconds(60), duration: TimeSpan.FromMilliseconds(1500))
            .RunAsync();
        output.WriteLine(report.ToString());

        var outage = report.Outage!;
        Assert.Equal(0, outage.HandlerInvocations); // fail closed: nothing runs unguarded
        Assert.Equal(0, outage.Successes); // nothing is deleted from the queue on the store's word while it is down
        Assert.True(outage.OutstandingAtEnd > 0, report.ToString());
        Assert.True(outage.FailedDeliveries > 0 && report.OutageRejections > 0, report.ToString());
        Assert.True(report.FailuresByType.ContainsKey(nameof(IdempotencyPersistenceException)), report.ToString());
        report.AssertEveryFailureTyped();
        report.AssertEffectivelyOnce();
        Assert.Equal(0, report.DeadLettered);
        Assert.All(shipping.ShipmentsByOrder, order => Assert.Equal(1, order.Value));
    }

    private IdempotencyStormBuilder<Order> StormOver(ShippingApi shipping, int? orders = null, TimeSpan handlerDelay = default) =>
        IdempotencyStorm.For<Order>(o => o.OrderId)
            .WithStore(Store)
            .WithMessages(orders ?? Orders, Order.Numbered)
            .WithSideEffect(async (order, key, ct) =>
            {
                if (handlerDelay > TimeSpan.Zero)
                {
                    await Task.Delay(handlerDelay, ct);
                }

                return await shipping.ShipAsync(order.OrderId, key, ct);
            })
            .WithConsumers(8)
            .WithLease(Lease)
            .WithSeed(StormSeed.Next())
            .ConfigureIdempotency(o => o.KeyPrefix = $"storm-{Guid.NewGuid():N}")
            .WithTimeout(TimeSpan.FromMinutes(2));
}
