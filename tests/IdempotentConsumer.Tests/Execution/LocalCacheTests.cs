using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Tests.Support;
using Moq;
using Xunit;

namespace IdempotentConsumer.Tests.Execution;

/// <summary>The local cache of completed records: hits cost no store call; in-progress records are never cached.</summary>
public sealed class LocalCacheTests
{
    [Fact]
    public async Task Given_the_local_cache_holds_the_completed_record_When_a_duplicate_arrives_Then_it_replays_with_zero_store_calls()
    {
        var store = WinningStore();
        var h = new ExecutorHarness(o => o.UseLocalCache = true, store.Object);
        var order = ExecutorHarness.NewOrder();
        var first = await h.ExecuteAsync(order);
        store.Invocations.Clear();

        var duplicate = await h.ExecuteWithOutcomeAsync(order);
        var again = await h.ExecuteWithOutcomeAsync(order);

        Assert.Equal(IdempotencyOutcomeKind.Replayed, duplicate.Kind);
        Assert.Equal(first, duplicate.Value);
        Assert.Equal(first, again.Value);
        Assert.Equal(1, h.HandlerCalls);
        store.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Given_a_completed_record_found_in_the_store_When_a_second_duplicate_arrives_Then_the_first_replay_filled_the_cache()
    {
        var store = new Mock<IIdempotencyStore>(MockBehavior.Strict);
        store.Setup(s => s.TryBeginAsync(It.IsAny<BeginRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((BeginRequest r, CancellationToken _) => BeginResult.Lost(new IdempotencyRecord
            {
                Key = r.Key,
                Status = IdempotencyRecordStatus.Completed,
                ExpiresAt = r.Now.AddHours(1),
                ResponseData = """{"orderId":"o-1","shipmentId":"s-1","attempt":1}""",
            }));
        var h = new ExecutorHarness(o => o.UseLocalCache = true, store.Object);

        await h.ExecuteAsync(ExecutorHarness.NewOrder("o-1"));
        await h.ExecuteAsync(ExecutorHarness.NewOrder("o-1"));

        store.Verify(s => s.TryBeginAsync(It.IsAny<BeginRequest>(), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(0, h.HandlerCalls);
    }

    [Fact]
    public async Task Given_a_duplicate_met_an_in_progress_record_When_the_next_duplicate_arrives_Then_the_store_is_asked_again_because_in_progress_is_never_cached()
    {
        var store = new Mock<IIdempotencyStore>(MockBehavior.Strict);
        store.Setup(s => s.TryBeginAsync(It.IsAny<BeginRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((BeginRequest r, CancellationToken _) => BeginResult.Lost(new IdempotencyRecord
            {
                Key = r.Key,
                Status = IdempotencyRecordStatus.InProgress,
                ExpiresAt = r.Now.AddHours(1),
                InProgressExpiresAt = r.Now.AddMinutes(5),
                OwnerToken = "someone-else",
            }));
        var h = new ExecutorHarness(o => o.UseLocalCache = true, store.Object);
        var order = ExecutorHarness.NewOrder();

        await Assert.ThrowsAsync<IdempotencyAlreadyInProgressException>(() => h.ExecuteAsync(order).AsTask());
        await Assert.ThrowsAsync<IdempotencyAlreadyInProgressException>(() => h.ExecuteAsync(order).AsTask());

        store.Verify(s => s.TryBeginAsync(It.IsAny<BeginRequest>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task Given_the_cached_record_expired_When_the_message_arrives_again_Then_the_cache_is_bypassed_and_the_handler_runs_again()
    {
        var h = new ExecutorHarness(o =>
        {
            o.UseLocalCache = true;
            o.RecordExpiry = TimeSpan.FromMinutes(1);
        });
        var order = ExecutorHarness.NewOrder();
        await h.ExecuteAsync(order);

        h.Time.Advance(TimeSpan.FromMinutes(1));
        var outcome = await h.ExecuteWithOutcomeAsync(order);

        Assert.Equal(IdempotencyOutcomeKind.Executed, outcome.Kind);
        Assert.Equal(2, h.HandlerCalls);
    }

    [Fact]
    public async Task Given_a_cached_record_and_payload_validation_When_a_tampered_duplicate_arrives_Then_the_cache_hit_still_validates()
    {
        var h = new ExecutorHarness(o =>
        {
            o.UseLocalCache = true;
            o.PayloadValidationJmesPath = "amount";
        });
        var order = ExecutorHarness.NewOrder(amount: 5m);
        await h.ExecuteAsync(order);

        await Assert.ThrowsAsync<IdempotencyValidationException>(() => h.ExecuteAsync(order with { Amount = 6m }).AsTask());
    }

    [Fact]
    public void Given_a_cache_too_small_to_be_built_When_the_executor_is_created_Then_it_throws_configuration()
    {
        Assert.Throws<IdempotencyConfigurationException>(() => new ExecutorHarness(o =>
        {
            o.UseLocalCache = true;
            o.LocalCacheMaxItems = 1;
        }));
    }

    private static Mock<IIdempotencyStore> WinningStore()
    {
        var store = new Mock<IIdempotencyStore>(MockBehavior.Strict);
        store.Setup(s => s.TryBeginAsync(It.IsAny<BeginRequest>(), It.IsAny<CancellationToken>())).ReturnsAsync(BeginResult.Won());
        store.Setup(s => s.CompleteAsync(It.IsAny<CompleteRequest>(), It.IsAny<CancellationToken>())).Returns(ValueTask.CompletedTask);
        return store;
    }
}
