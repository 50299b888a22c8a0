using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using Xunit;

namespace IdempotentConsumer.StoreConformance;

public abstract partial class IdempotencyStoreConformanceTests
{
    /// <summary>The first attempt on a key owns it and the record says so.</summary>
    [Fact]
    public async Task Given_no_record_When_an_attempt_begins_Then_it_wins_and_an_in_progress_record_names_it_owner()
    {
        var request = NewBegin(NewKey(), NewOwner(), payloadHash: "hash-1");

        var result = await Store.TryBeginAsync(request);

        Assert.True(result.Acquired);
        Assert.Null(result.Existing);
        AssertInProgressAsBegun(request, await Store.GetAsync(request.Key));
    }

    /// <summary>A second attempt while the first holds a live lease loses and sees the first one's record.</summary>
    [Fact]
    public async Task Given_an_in_progress_record_with_a_live_lease_When_another_attempt_begins_Then_it_loses_and_receives_the_existing_record()
    {
        var key = NewKey();
        var first = NewBegin(key, NewOwner(), payloadHash: "hash-1");
        await BeginAndAssertWonAsync(first);

        var second = NewBegin(key, NewOwner(), at: TimeSpan.FromMinutes(1), payloadHash: "hash-2");
        var result = await Store.TryBeginAsync(second);

        Assert.False(result.Acquired);
        AssertInProgressAsBegun(first, result.Existing);
        AssertInProgressAsBegun(first, await Store.GetAsync(key));
    }

    /// <summary>A completed record past its expiry no longer deduplicates.</summary>
    [Fact]
    public async Task Given_a_completed_record_past_its_expiry_When_an_attempt_begins_Then_it_wins()
    {
        var key = NewKey();
        var oldOwner = NewOwner();
        await BeginAndAssertWonAsync(NewBegin(key, oldOwner));
        await Store.CompleteAsync(new CompleteRequest(key, oldOwner, T0 + TimeSpan.FromSeconds(10), "\"old\"", null));

        var retry = NewBegin(key, NewOwner(), at: TimeSpan.FromSeconds(20));
        var result = await Store.TryBeginAsync(retry);

        Assert.True(result.Acquired);
        AssertInProgressAsBegun(retry, await Store.GetAsync(key));
    }

    /// <summary>An attempt that outlived its lease is taken over by the next one.</summary>
    [Fact]
    public async Task Given_an_in_progress_record_whose_lease_lapsed_When_another_attempt_begins_Then_it_takes_the_record_over()
    {
        var key = NewKey();
        await BeginAndAssertWonAsync(NewBegin(key, NewOwner(), leaseFor: TimeSpan.FromSeconds(30)));

        var successor = NewBegin(key, NewOwner(), at: TimeSpan.FromSeconds(31), payloadHash: "hash-2");
        var result = await Store.TryBeginAsync(successor);

        Assert.True(result.Acquired);
        AssertInProgressAsBegun(successor, await Store.GetAsync(key));
    }

    /// <summary>The lease of a completed record is irrelevant: completed records deduplicate until they expire.</summary>
    [Fact]
    public async Task Given_an_unexpired_completed_record_When_an_attempt_begins_after_the_old_lease_Then_it_loses_and_receives_the_response()
    {
        var key = NewKey();
        var owner = NewOwner();
        await BeginAndAssertWonAsync(NewBegin(key, owner, leaseFor: TimeSpan.FromSeconds(30), payloadHash: "hash-1"));
        var completedExpiry = T0 + TimeSpan.FromHours(1);
        await Store.CompleteAsync(new CompleteRequest(key, owner, completedExpiry, "{\"shipped\":true}", "hash-1"));

        var duplicate = NewBegin(key, NewOwner(), at: TimeSpan.FromMinutes(10));
        var result = await Store.TryBeginAsync(duplicate);

        Assert.False(result.Acquired);
        var existing = result.Existing;
        Assert.NotNull(existing);
        Assert.Equal(IdempotencyRecordStatus.Completed, existing.Status);
        Assert.Equal("{\"shipped\":true}", existing.ResponseData);
        Assert.Equal("hash-1", existing.PayloadHash);
        Assert.Null(existing.InProgressExpiresAt);
        AssertClose(completedExpiry, existing.ExpiresAt, ExpiresAtTolerance);
    }

    /// <summary>A cancelled caller does not write.</summary>
    [Fact]
    public async Task Given_a_cancelled_token_When_an_attempt_begins_Then_it_is_cancelled_and_nothing_is_written()
    {
        var request = NewBegin(NewKey(), NewOwner());
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await Store.TryBeginAsync(request, cancellation.Token));

        Assert.Null(await Store.GetAsync(request.Key));
    }

    /// <summary>After a takeover, the old owner's late completion must not overwrite the successor's record.</summary>
    [Fact]
    public async Task Given_a_record_taken_over_When_the_old_owner_completes_Then_it_is_a_stale_owner_and_the_record_is_unchanged()
    {
        var (oldOwner, successor) = await TakeOverAsync();

        await Assert.ThrowsAsync<IdempotencyStaleOwnerException>(async () =>
            await Store.CompleteAsync(new CompleteRequest(successor.Key, oldOwner, T0 + TimeSpan.FromHours(1), "\"late\"", null)));

        AssertInProgressAsBegun(successor, await Store.GetAsync(successor.Key));
    }

    /// <summary>After a takeover, the old owner's failure path must not delete the successor's record.</summary>
    [Fact]
    public async Task Given_a_record_taken_over_When_the_old_owner_releases_Then_it_is_a_stale_owner_and_the_record_is_unchanged()
    {
        var (oldOwner, successor) = await TakeOverAsync();

        await Assert.ThrowsAsync<IdempotencyStaleOwnerException>(async () => await Store.ReleaseAsync(successor.Key, oldOwner));

        AssertInProgressAsBegun(successor, await Store.GetAsync(successor.Key));
    }

    /// <summary>After a takeover, the old owner's heartbeat must not move the successor's lease.</summary>
    [Fact]
    public async Task Given_a_record_taken_over_When_the_old_owner_extends_its_lease_Then_it_is_a_stale_owner_and_the_record_is_unchanged()
    {
        var (oldOwner, successor) = await TakeOverAsync();

        await Assert.ThrowsAsync<IdempotencyStaleOwnerException>(async () =>
            await Store.ExtendLeaseAsync(Extend(successor.Key, oldOwner, T0 + TimeSpan.FromHours(3))));

        AssertInProgressAsBegun(successor, await Store.GetAsync(successor.Key));
    }

    private async Task<(string OldOwner, BeginRequest Successor)> TakeOverAsync()
    {
        var key = NewKey();
        var oldOwner = NewOwner();
        await BeginAndAssertWonAsync(NewBegin(key, oldOwner, leaseFor: TimeSpan.FromSeconds(30)));
        var successor = NewBegin(key, NewOwner(), at: TimeSpan.FromMinutes(1));
        await BeginAndAssertWonAsync(successor);
        return (oldOwner, successor);
    }
}
