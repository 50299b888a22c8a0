using System.Text;
using IdempotentConsumer.Stores;
using Xunit;

namespace IdempotentConsumer.StoreConformance;

public abstract partial class IdempotencyStoreConformanceTests
{
    /// <summary>Sub-second parts survive to the store's documented precision (seconds for expiry, ms for the lease).</summary>
    [Fact]
    public async Task Given_times_with_sub_second_parts_When_stored_and_read_Then_they_round_trip_within_store_precision()
    {
        var key = NewKey();
        var owner = NewOwner();
        var begin = new BeginRequest(
            key,
            owner,
            T0,
            T0 + TimeSpan.FromHours(1) + TimeSpan.FromMilliseconds(999),
            T0 + TimeSpan.FromSeconds(30) + TimeSpan.FromTicks(1_234_567),
            null);
        await BeginAndAssertWonAsync(begin);
        AssertInProgressAsBegun(begin, await Store.GetAsync(key));

        var extended = T0 + TimeSpan.FromSeconds(45) + TimeSpan.FromTicks(9_876_543);
        await Store.ExtendLeaseAsync(Extend(key, owner, extended));
        AssertClose(extended, (await GetExistingAsync(key)).InProgressExpiresAt, LeaseTolerance);

        var completedExpiry = T0 + TimeSpan.FromDays(3) + TimeSpan.FromMilliseconds(500);
        await Store.CompleteAsync(new CompleteRequest(key, owner, completedExpiry, "1", null));
        AssertClose(completedExpiry, (await GetExistingAsync(key)).ExpiresAt, ExpiresAtTolerance);
    }

    /// <summary>Stored responses are opaque text: every Unicode plane and a large body (up to <see cref="LargeResponseLength"/> characters) come back byte for byte.</summary>
    [Fact]
    public async Task Given_a_large_unicode_response_When_completed_and_read_Then_it_round_trips_exactly()
    {
        var key = NewKey();
        var owner = NewOwner();
        await BeginAndAssertWonAsync(NewBegin(key, owner));
        var response = BuildUnicodeResponse(LargeResponseLength);

        await Store.CompleteAsync(new CompleteRequest(key, owner, T0 + TimeSpan.FromHours(1), response, null));

        var record = await GetExistingAsync(key);
        Assert.Equal(response, record.ResponseData);
        var replay = await Store.TryBeginAsync(NewBegin(key, NewOwner(), at: TimeSpan.FromSeconds(1)));
        Assert.Equal(response, replay.Existing?.ResponseData);
    }

    // As many copies of the sample as fit in maxChars, as a JSON array: "[s,s,...,s]".
    private static string BuildUnicodeResponse(int maxChars)
    {
        // Latin, accents, CJK, RTL, emoji with surrogate pairs and joiners, quotes and escapes JSON must keep.
        const string sample = "{\"note\":\"Ça marche — 注文を発送しました; شكرا; 👩‍💻🚚📦 \\\"quoted\\\" \\\\ tab\\t\"}";
        var builder = new StringBuilder(maxChars);
        builder.Append('[').Append(sample);
        while (builder.Length + 1 + sample.Length + 1 <= maxChars)
        {
            builder.Append(',').Append(sample);
        }

        return builder.Append(']').ToString();
    }
}
