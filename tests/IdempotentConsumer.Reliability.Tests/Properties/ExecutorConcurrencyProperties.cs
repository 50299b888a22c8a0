using CsCheck;
using IdempotentConsumer.Stores;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Reliability.Tests.Properties;

public sealed class ExecutorConcurrencyProperties(ITestOutputHelper output)
{
    [Fact]
    public async Task Given_random_concurrent_duplicates_some_failing_some_outliving_their_lease_Then_the_executor_follows_the_model()
    {
        await ExecutorModel.Calls.SampleAsync(calls => ExecutorModel.RunAsync(new InMemoryIdempotencyStore(), calls), iter: 400, print: ExecutorModel.Print);
    }

    [Fact]
    public async Task Given_a_store_whose_completion_ignores_the_owner_Then_the_model_catches_the_stale_owner_completing_a_second_time()
    {
        // The check must be able to fail: with the fence gone, a handler that outlived its lease completes over its successor.
        var caught = await Assert.ThrowsAnyAsync<Exception>(() =>
            ExecutorModel.Calls.SampleAsync(calls => ExecutorModel.RunAsync(new OwnerBlindStore(), calls), iter: 2000, print: ExecutorModel.Print));

        output.WriteLine(caught.Message);
        Assert.Contains("PropertyViolation", caught.ToString(), StringComparison.Ordinal);
    }
}
