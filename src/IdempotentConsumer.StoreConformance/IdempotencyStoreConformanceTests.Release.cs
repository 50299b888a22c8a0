using IdempotentConsumer.Exceptions;
using Xunit;

namespace IdempotentConsumer.StoreConformance;

public abstract partial class IdempotencyStoreConformanceTests
{
    /// <summary>A failed handler releases the key so the redelivery can run.</summary>
    [Fact]
    public async Task Given_an_owned_record_When_the_owner_releases_Then_it_is_deleted_and_the_next_attempt_wins()
    {
        var key = NewKey();
        var owner = NewOwner();
        await BeginAndAssertWonAsync(NewBegin(key, owner));

        await Store.ReleaseAsync(key, owner);

        Assert.Null(await Store.GetAsync(key));
        await BeginAndAssertWonAsync(NewBegin(key, NewOwner(), at: TimeSpan.FromSeconds(1)));
    }

    /// <summary>Only the owner may release.</summary>
    [Fact]
    public async Task Given_a_record_owned_by_another_attempt_When_a_stranger_releases_Then_it_is_a_stale_owner_and_the_record_is_unchanged()
    {
        var key = NewKey();
        var begin = NewBegin(key, NewOwner());
        await BeginAndAssertWonAsync(begin);

        await Assert.ThrowsAsync<IdempotencyStaleOwnerException>(async () => await Store.ReleaseAsync(key, NewOwner()));

        AssertInProgressAsBegun(begin, await Store.GetAsync(key));
    }

    /// <summary>Releasing a record that is already gone is reported, not silently accepted.</summary>
    [Fact]
    public async Task Given_no_record_When_released_Then_it_is_a_stale_owner()
    {
        await Assert.ThrowsAsync<IdempotencyStaleOwnerException>(async () => await Store.ReleaseAsync(NewKey(), NewOwner()));
    }
}
