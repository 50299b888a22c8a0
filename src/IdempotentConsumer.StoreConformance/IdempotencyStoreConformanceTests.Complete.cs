using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using Xunit;

namespace IdempotentConsumer.StoreConformance;

public abstract partial class IdempotencyStoreConformanceTests
{
    /// <summary>Completion stores the response and the completed expiry and ends the lease.</summary>
    [Fact]
    public async Task Given_an_owned_record_When_the_owner_completes_Then_the_response_and_expiry_are_stored_and_the_lease_is_cleared()
    {
        var key = NewKey();
        var owner = NewOwner();
        await BeginAndAssertWonAsync(NewBegin(key, owner, payloadHash: "hash-1"));
        var completedExpiry = T0 + TimeSpan.FromHours(2);

        await Store.CompleteAsync(new CompleteRequest(key, owner, completedExpiry, "{\"result\":42}", "hash-1"));

        var record = await GetExistingAsync(key);
        Assert.Equal(key, record.Key);
        Assert.Equal(IdempotencyRecordStatus.Completed, record.Status);
        Assert.Equal("{\"result\":42}", record.ResponseData);
        Assert.Equal("hash-1", record.PayloadHash);
        Assert.Null(record.InProgressExpiresAt);
        AssertClose(completedExpiry, record.ExpiresAt, ExpiresAtTolerance);
    }

    /// <summary>A completion without a hash keeps the hash written at begin, so replays can still validate.</summary>
    [Fact]
    public async Task Given_a_record_begun_with_a_payload_hash_When_completed_without_one_Then_the_begin_hash_is_kept()
    {
        var key = NewKey();
        var owner = NewOwner();
        await BeginAndAssertWonAsync(NewBegin(key, owner, payloadHash: "hash-1"));

        await Store.CompleteAsync(new CompleteRequest(key, owner, T0 + TimeSpan.FromHours(1), "\"ok\"", null));

        Assert.Equal("hash-1", (await GetExistingAsync(key)).PayloadHash);
    }

    /// <summary>Handlers without a result complete with no response data.</summary>
    [Fact]
    public async Task Given_an_owned_record_When_completed_without_a_response_Then_the_record_is_completed_with_no_response()
    {
        var key = NewKey();
        var owner = NewOwner();
        await BeginAndAssertWonAsync(NewBegin(key, owner));

        await Store.CompleteAsync(new CompleteRequest(key, owner, T0 + TimeSpan.FromHours(1), null, null));

        var record = await GetExistingAsync(key);
        Assert.Equal(IdempotencyRecordStatus.Completed, record.Status);
        Assert.Null(record.ResponseData);
    }

    /// <summary>Only the owner may complete.</summary>
    [Fact]
    public async Task Given_a_record_owned_by_another_attempt_When_a_stranger_completes_Then_it_is_a_stale_owner_and_the_record_is_unchanged()
    {
        var key = NewKey();
        var begin = NewBegin(key, NewOwner(), payloadHash: "hash-1");
        await BeginAndAssertWonAsync(begin);

        await Assert.ThrowsAsync<IdempotencyStaleOwnerException>(async () =>
            await Store.CompleteAsync(new CompleteRequest(key, NewOwner(), T0 + TimeSpan.FromHours(1), "\"stranger\"", "hash-x")));

        AssertInProgressAsBegun(begin, await Store.GetAsync(key));
    }

    /// <summary>Completing a record that is gone (released, or removed by TTL) is a stale owner, and recreates nothing.</summary>
    [Fact]
    public async Task Given_no_record_When_completed_Then_it_is_a_stale_owner_and_nothing_is_written()
    {
        var key = NewKey();

        await Assert.ThrowsAsync<IdempotencyStaleOwnerException>(async () =>
            await Store.CompleteAsync(new CompleteRequest(key, NewOwner(), T0 + TimeSpan.FromHours(1), "\"ghost\"", null)));

        Assert.Null(await Store.GetAsync(key));
    }
}
