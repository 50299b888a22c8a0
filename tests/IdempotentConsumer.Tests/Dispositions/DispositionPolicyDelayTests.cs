using IdempotentConsumer.Dispositions;
using Xunit;

namespace IdempotentConsumer.Tests.Dispositions;

/// <summary>The redelivery delays <see cref="DispositionPolicy"/> puts on messages it does not acknowledge.</summary>
public sealed class DispositionPolicyDelayTests
{
    private static DispositionPolicy NoJitter(TimeSpan initial, double multiplier, TimeSpan max) =>
        new(new RedeliveryOptions { InitialDelay = initial, Multiplier = multiplier, MaxDelay = max, UseJitter = false });

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(4, 16)]
    [InlineData(5, 32)]
    public void Given_exponential_backoff_When_a_delivery_fails_Then_the_delay_doubles_per_receive(int receiveCount, int expectedSeconds)
    {
        var backoff = NoJitter(TimeSpan.FromSeconds(2), 2, TimeSpan.FromMinutes(5));

        Assert.Equal(expectedSeconds, (int)backoff.DelayAfterFailure(receiveCount).TotalSeconds);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(100)]
    [InlineData(int.MaxValue)]
    public void Given_many_receives_When_the_delay_would_pass_the_maximum_Then_it_is_capped(int receiveCount)
    {
        var backoff = NoJitter(TimeSpan.FromSeconds(2), 2, TimeSpan.FromSeconds(60));

        Assert.Equal(60, (int)backoff.DelayAfterFailure(receiveCount).TotalSeconds);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(1200)]
    public void Given_a_sub_second_delay_When_it_is_computed_Then_it_is_rounded_up_to_one_second_never_zero(int initialMs)
    {
        var backoff = NoJitter(TimeSpan.FromMilliseconds(initialMs), 1, TimeSpan.FromSeconds(1.2));

        Assert.InRange((int)backoff.DelayAfterFailure(1).TotalSeconds, 1, 2);
        Assert.Equal(initialMs == 1200 ? 2 : 1, (int)backoff.DelayAfterFailure(1).TotalSeconds);
    }

    [Fact]
    public void Given_a_zero_receive_count_When_computed_Then_it_is_treated_as_the_first_delivery()
    {
        var backoff = NoJitter(TimeSpan.FromSeconds(3), 2, TimeSpan.FromMinutes(1));

        Assert.Equal(3, (int)backoff.DelayAfterFailure(0).TotalSeconds);
    }

    [Theory]
    [InlineData(0.0, 8)]
    [InlineData(0.5, 10)]
    [InlineData(0.999999, 12)]
    public void Given_jitter_When_computed_Then_the_delay_spreads_by_at_most_twenty_percent(double random, int expectedSeconds)
    {
        var backoff = new DispositionPolicy(
            new RedeliveryOptions { InitialDelay = TimeSpan.FromSeconds(10), Multiplier = 2, MaxDelay = TimeSpan.FromMinutes(5), UseJitter = true },
            random: () => random);

        Assert.Equal(expectedSeconds, (int)backoff.DelayAfterFailure(1).TotalSeconds);
    }

    [Fact]
    public void Given_jitter_at_the_cap_When_computed_Then_the_delay_never_exceeds_the_maximum()
    {
        var backoff = new DispositionPolicy(
            new RedeliveryOptions { InitialDelay = TimeSpan.FromSeconds(10), Multiplier = 2, MaxDelay = TimeSpan.FromSeconds(30), UseJitter = true },
            random: () => 0.999999);

        Assert.Equal(30, (int)backoff.DelayAfterFailure(20).TotalSeconds);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(500, 1)]
    [InlineData(2000, 2)]
    [InlineData(2500, 3)]
    public void Given_an_in_progress_delay_and_no_known_lease_end_When_computed_Then_it_is_whole_seconds_and_at_least_one(int delayMs, int expectedSeconds)
    {
        var backoff = new DispositionPolicy(new RedeliveryOptions { InProgressDelay = TimeSpan.FromMilliseconds(delayMs) });

        Assert.Equal(expectedSeconds, (int)backoff.DelayWhileInProgressElsewhere(null).TotalSeconds);
    }
}
