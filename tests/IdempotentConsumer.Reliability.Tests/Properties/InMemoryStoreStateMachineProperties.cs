using CsCheck;
using IdempotentConsumer.Stores;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Reliability.Tests.Properties;

public sealed class InMemoryStoreStateMachineProperties(ITestOutputHelper output)
{
    [Fact]
    public async Task Given_random_interleavings_of_begin_complete_release_extend_and_expiry_across_owners_Then_the_in_memory_store_follows_the_model()
    {
        var coverage = new StoreStateMachineCoverage();

        await StoreStateMachine.Interleavings.SampleAsync(steps => StoreStateMachine.RunAsync(new InMemoryIdempotencyStore(), steps, coverage), iter: 2000, print: StoreStateMachine.Print);

        output.WriteLine(coverage.ToString());
        Assert.True(coverage.Takeovers > 0 && coverage.StaleRejections > 0 && coverage.BeginsLost > 0, coverage.ToString());
        Assert.True(coverage.Completes > 0 && coverage.Releases > 0 && coverage.Extends > 0, coverage.ToString());
    }

    [Fact]
    public async Task Given_a_store_that_lets_a_stale_owner_complete_Then_the_model_catches_it()
    {
        // The checker must be able to fail: a store that ignores the owner token is caught within a few runs.
        var caught = await Assert.ThrowsAnyAsync<Exception>(() =>
            StoreStateMachine.Interleavings.SampleAsync(steps => StoreStateMachine.RunAsync(new OwnerBlindStore(), steps), iter: 2000, print: StoreStateMachine.Print));

        output.WriteLine(caught.Message);
        Assert.Contains("stale owner", caught.ToString(), StringComparison.Ordinal);
    }
}
