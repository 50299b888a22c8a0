using IdempotentConsumer.Hosting.Options;
using IdempotentConsumer.Hosting.Worker;
using Xunit;

namespace IdempotentConsumer.Hosting.Tests.Unit;

public sealed class ErrorBackoffTests
{
    [Fact]
    public void Given_consecutive_failures_When_asked_for_delays_Then_they_double_up_to_the_maximum()
    {
        var backoff = new ErrorBackoff(new SqsErrorBackoffOptions { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(700) }, TimeProvider.System);

        var delays = Enumerable.Range(0, 6).Select(_ => backoff.NextDelay().TotalMilliseconds).ToArray();

        Assert.Equal([100, 200, 400, 700, 700, 700], delays);
        Assert.Equal(6, backoff.ConsecutiveFailures);
    }

    [Fact]
    public void Given_failures_When_a_call_succeeds_and_it_is_reset_Then_the_next_delay_starts_over()
    {
        var backoff = new ErrorBackoff(new SqsErrorBackoffOptions { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(10) }, TimeProvider.System);
        backoff.NextDelay();
        backoff.NextDelay();

        backoff.Reset();

        Assert.Equal(TimeSpan.FromMilliseconds(100), backoff.NextDelay());
    }

    [Fact]
    public void Given_a_very_long_outage_When_failures_keep_coming_Then_the_delay_stays_at_the_maximum_without_overflow()
    {
        var backoff = new ErrorBackoff(new SqsErrorBackoffOptions { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(30) }, TimeProvider.System);

        for (var i = 0; i < 200; i++)
        {
            backoff.NextDelay();
        }

        Assert.Equal(TimeSpan.FromSeconds(30), backoff.NextDelay());
    }
}
