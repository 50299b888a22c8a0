using IdempotentConsumer.Execution;
using Xunit;

namespace IdempotentConsumer.Tests.Execution;

/// <summary>Owner tokens fence records to one attempt, so no two may be equal.</summary>
public sealed class OwnerTokenTests
{
    [Fact]
    public async Task Given_many_threads_taking_tokens_When_compared_Then_every_token_is_distinct_32_hex_characters()
    {
        var batches = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Enumerable.Range(0, 10_000).Select(_ => OwnerToken.New()).ToArray())));
        var tokens = batches.SelectMany(b => b).ToArray();

        Assert.Equal(tokens.Length, tokens.Distinct(StringComparer.Ordinal).Count());
        Assert.All(tokens.Take(100), t => Assert.Matches("^[0-9a-f]{32}$", t));
    }

    [Fact]
    public void Given_two_tokens_taken_back_to_back_When_compared_Then_they_share_no_prefix_as_a_process_wide_seed_would_make_them()
    {
        // With fresh randomness per token, two processes restored from one snapshot (SnapStart) cannot collide;
        // a shared process prefix would make every pair agree on its first characters.
        var samePrefix = Enumerable.Range(0, 64)
            .Select(_ => (First: OwnerToken.New(), Second: OwnerToken.New()))
            .Count(pair => pair.First.AsSpan(0, 8).SequenceEqual(pair.Second.AsSpan(0, 8)));

        Assert.Equal(0, samePrefix);
    }
}
