using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using Xunit;

namespace IdempotentConsumer.StoreConformance;

public abstract partial class IdempotencyStoreConformanceTests
{
    /// <summary>A miss is null, not an error.</summary>
    [Fact]
    public async Task Given_no_record_When_read_Then_null_is_returned()
    {
        Assert.Null(await Store.GetAsync(NewKey()));
    }

    /// <summary>Expiry is the caller's decision: the store hands back expired records as they are.</summary>
    [Fact]
    public async Task Given_an_expired_record_When_read_Then_it_is_returned_as_stored()
    {
        var key = NewKey();
        var begin = NewBegin(key, NewOwner(), at: TimeSpan.FromHours(-3));
        await BeginAndAssertWonAsync(begin);

        AssertInProgressAsBegun(begin, await Store.GetAsync(key));
    }

    /// <summary>
    /// Batch reads return exactly the keys that have records, across more keys than one backend call
    /// may carry (DynamoDB's BatchGetItem takes 100).
    /// </summary>
    [Fact]
    public async Task Given_some_keys_with_records_When_read_many_Then_only_existing_records_are_returned()
    {
        var existing = Enumerable.Range(0, 70).Select(_ => NewKey()).ToList();
        var missing = Enumerable.Range(0, 60).Select(_ => NewKey()).ToList();
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in existing)
        {
            owners[key] = NewOwner();
            await BeginAndAssertWonAsync(NewBegin(key, owners[key]));
        }

        var completedKey = existing[0];
        await Store.CompleteAsync(new CompleteRequest(completedKey, owners[completedKey], T0 + TimeSpan.FromHours(1), "\"first\"", null));
        var requested = existing.Concat(missing).OrderBy(_ => Random.Shared.Next()).ToList();

        var found = await Store.GetManyAsync(requested);

        Assert.Equal(existing.Order(StringComparer.Ordinal), found.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, record) in found)
        {
            Assert.Equal(key, record.Key);
            Assert.Equal(owners[key], record.OwnerToken);
        }

        Assert.Equal(IdempotencyRecordStatus.Completed, found[completedKey].Status);
        Assert.Equal("\"first\"", found[completedKey].ResponseData);
    }

    /// <summary>An empty batch is a no-op.</summary>
    [Fact]
    public async Task Given_no_keys_When_read_many_Then_the_result_is_empty()
    {
        Assert.Empty(await Store.GetManyAsync(Array.Empty<string>()));
    }
}
