using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using Xunit;

namespace IdempotentConsumer.StoreConformance;

public abstract partial class IdempotencyStoreConformanceTests
{
    /// <summary>A heartbeat moves the lease, so a contender arriving after the old lease still loses.</summary>
    [Fact]
    public async Task Given_an_owned_in_progress_record_When_the_owner_extends_the_lease_Then_the_lease_moves_and_a_later_contender_loses()
    {
        var key = NewKey();
        var owner = NewOwner();
        var begin = NewBegin(key, owner, leaseFor: TimeSpan.FromSeconds(30));
        await BeginAndAssertWonAsync(begin);
        var extended = T0 + TimeSpan.FromSeconds(90) + TimeSpan.FromMilliseconds(250);

        await Store.ExtendLeaseAsync(Extend(key, owner, extended, begin.ExpiresAt));

        var record = await GetExistingAsync(key);
        Assert.Equal(IdempotencyRecordStatus.InProgress, record.Status);
        Assert.Equal(owner, record.OwnerToken);
        AssertClose(extended, record.InProgressExpiresAt, LeaseTolerance);
        AssertClose(begin.ExpiresAt, record.ExpiresAt, ExpiresAtTolerance);

        var contender = await Store.TryBeginAsync(NewBegin(key, NewOwner(), at: TimeSpan.FromSeconds(60)));
        Assert.False(contender.Acquired);
        Assert.Equal(owner, contender.Existing?.OwnerToken);
    }

    /// <summary>A completed record has no lease to extend, even for its owner.</summary>
    [Fact]
    public async Task Given_a_completed_record_When_the_owner_extends_the_lease_Then_it_is_a_stale_owner_and_the_record_is_unchanged()
    {
        var key = NewKey();
        var owner = NewOwner();
        await BeginAndAssertWonAsync(NewBegin(key, owner));
        await Store.CompleteAsync(new CompleteRequest(key, owner, T0 + TimeSpan.FromHours(1), "\"done\"", null));

        await Assert.ThrowsAsync<IdempotencyStaleOwnerException>(async () =>
            await Store.ExtendLeaseAsync(Extend(key, owner, T0 + TimeSpan.FromHours(2))));

        var record = await GetExistingAsync(key);
        Assert.Equal(IdempotencyRecordStatus.Completed, record.Status);
        Assert.Equal("\"done\"", record.ResponseData);
        Assert.Null(record.InProgressExpiresAt);
    }

    /// <summary>Only the owner may extend.</summary>
    [Fact]
    public async Task Given_a_record_owned_by_another_attempt_When_a_stranger_extends_the_lease_Then_it_is_a_stale_owner_and_the_record_is_unchanged()
    {
        var key = NewKey();
        var begin = NewBegin(key, NewOwner());
        await BeginAndAssertWonAsync(begin);

        await Assert.ThrowsAsync<IdempotencyStaleOwnerException>(async () =>
            await Store.ExtendLeaseAsync(Extend(key, NewOwner(), T0 + TimeSpan.FromHours(2))));

        AssertInProgressAsBegun(begin, await Store.GetAsync(key));
    }
}
