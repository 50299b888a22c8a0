using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using Xunit;

namespace IdempotentConsumer.StoreConformance;

public abstract partial class IdempotencyStoreConformanceTests
{
    /// <summary>While in progress, a record never expires before its lease ends, whatever expiry the begin asked for.</summary>
    [Fact]
    public async Task Given_a_begin_whose_lease_outlasts_its_expiry_When_a_contender_arrives_after_the_expiry_but_inside_the_lease_Then_it_loses()
    {
        var key = NewKey();
        var owner = NewOwner();
        var begin = NewBegin(key, owner, expiresIn: TimeSpan.FromSeconds(10), leaseFor: TimeSpan.FromHours(12) + TimeSpan.FromMilliseconds(250));
        await BeginAndAssertWonAsync(begin);

        var record = await GetExistingAsync(key);
        Assert.True(record.ExpiresAt >= begin.InProgressExpiresAt, $"Expiry {record.ExpiresAt:O} precedes the lease {begin.InProgressExpiresAt:O}.");

        var contender = await Store.TryBeginAsync(NewBegin(key, NewOwner(), at: TimeSpan.FromHours(6)));
        Assert.False(contender.Acquired);
        Assert.Equal(owner, contender.Existing?.OwnerToken);
    }

    /// <summary>An extension past the record's expiry carries the expiry with it.</summary>
    [Fact]
    public async Task Given_an_in_progress_record_When_the_lease_is_extended_past_its_expiry_Then_the_expiry_follows_and_a_later_contender_loses()
    {
        var key = NewKey();
        var owner = NewOwner();
        var begin = NewBegin(key, owner, expiresIn: TimeSpan.FromMinutes(1), leaseFor: TimeSpan.FromSeconds(30));
        await BeginAndAssertWonAsync(begin);
        var leaseEnd = T0 + TimeSpan.FromHours(2) + TimeSpan.FromMilliseconds(1);

        await Store.ExtendLeaseAsync(Extend(key, owner, leaseEnd, begin.ExpiresAt));

        var record = await GetExistingAsync(key);
        AssertClose(leaseEnd, record.InProgressExpiresAt, LeaseTolerance);
        Assert.True(record.ExpiresAt >= leaseEnd, $"Expiry {record.ExpiresAt:O} precedes the lease {leaseEnd:O}.");
        var contender = await Store.TryBeginAsync(NewBegin(key, NewOwner(), at: TimeSpan.FromHours(1)));
        Assert.False(contender.Acquired);
        Assert.Equal(owner, contender.Existing?.OwnerToken);
    }

    /// <summary>A response that could not be stored still completes the key, flagged, with no data.</summary>
    [Fact]
    public async Task Given_an_owned_record_When_completed_with_the_response_not_stored_Then_it_is_completed_flagged_and_without_data()
    {
        var key = NewKey();
        var owner = NewOwner();
        await BeginAndAssertWonAsync(NewBegin(key, owner, payloadHash: "hash-1"));
        var completedExpiry = T0 + TimeSpan.FromHours(1);

        await Store.CompleteAsync(new CompleteRequest(key, owner, completedExpiry, "\"ignored\"", "hash-1") { ResponseNotStored = true });

        var record = await GetExistingAsync(key);
        Assert.Equal(IdempotencyRecordStatus.Completed, record.Status);
        Assert.True(record.ResponseNotStored);
        Assert.Null(record.ResponseData);
        Assert.Null(record.InProgressExpiresAt);
        Assert.Equal("hash-1", record.PayloadHash);
        AssertClose(completedExpiry, record.ExpiresAt, ExpiresAtTolerance);
        var duplicate = await Store.TryBeginAsync(NewBegin(key, NewOwner(), at: TimeSpan.FromMinutes(1)));
        Assert.False(duplicate.Acquired);
        Assert.True(duplicate.Existing?.ResponseNotStored);
        Assert.True((await Store.GetManyAsync([key]))[key].ResponseNotStored);
    }

    /// <summary>The flag belongs to one completion: a normal completion and a later take-over both leave it unset.</summary>
    [Fact]
    public async Task Given_an_expired_record_completed_without_its_response_When_a_new_attempt_takes_the_key_and_completes_Then_the_flag_is_gone()
    {
        var key = NewKey();
        var first = NewOwner();
        await BeginAndAssertWonAsync(NewBegin(key, first));
        await Store.CompleteAsync(new CompleteRequest(key, first, T0 + TimeSpan.FromMinutes(1), null, null) { ResponseNotStored = true });

        var second = NewOwner();
        await BeginAndAssertWonAsync(NewBegin(key, second, at: TimeSpan.FromMinutes(2)));
        Assert.False((await GetExistingAsync(key)).ResponseNotStored);
        await Store.CompleteAsync(new CompleteRequest(key, second, T0 + TimeSpan.FromHours(1), "\"stored\"", null));

        var record = await GetExistingAsync(key);
        Assert.False(record.ResponseNotStored);
        Assert.Equal("\"stored\"", record.ResponseData);
    }

    /// <summary>
    /// A begin repeated with the same owner token (its first reply was lost) loses to its own record and is told so:
    /// the executor recognises the token and proceeds as the winner.
    /// </summary>
    [Fact]
    public async Task Given_a_begin_that_already_landed_When_it_is_repeated_with_the_same_owner_token_Then_the_existing_record_carries_that_token()
    {
        var key = NewKey();
        var owner = NewOwner();
        var begin = NewBegin(key, owner);
        await BeginAndAssertWonAsync(begin);

        var repeated = await Store.TryBeginAsync(begin);

        Assert.False(repeated.Acquired);
        Assert.Equal(owner, repeated.Existing?.OwnerToken);
        Assert.Equal(IdempotencyRecordStatus.InProgress, repeated.Existing?.Status);
    }
}
