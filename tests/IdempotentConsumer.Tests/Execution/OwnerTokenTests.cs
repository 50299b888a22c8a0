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
}
