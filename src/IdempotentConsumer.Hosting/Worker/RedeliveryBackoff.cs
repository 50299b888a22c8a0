using IdempotentConsumer.Hosting.Options;

namespace IdempotentConsumer.Hosting.Worker;

/// <summary>
/// Turns a delivery's receive count into the visibility delay before it comes back. Whole seconds, at least
/// one (SQS's unit; zero would be a hot loop), at most the configured maximum.
/// </summary>
internal sealed class RedeliveryBackoff
{
    private const int MaxVisibilitySeconds = 43_200;
    private const double JitterSpread = 0.2;
    private readonly SqsRedeliveryOptions _options;
    private readonly Func<double> _random;

    /// <param name="options">The delays.</param>
    /// <param name="random">A source of uniform numbers in [0, 1) for jitter; tests pass a fixed one.</param>
    public RedeliveryBackoff(SqsRedeliveryOptions options, Func<double>? random = null)
    {
        _options = options;
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <summary>The delay after a failed delivery that was the <paramref name="receiveCount"/>-th.</summary>
    public int DelaySecondsAfterFailure(int receiveCount)
    {
        var exponent = Math.Max(0, receiveCount - 1);
        var seconds = _options.InitialDelay.TotalSeconds * Math.Pow(_options.Multiplier, exponent);
        var max = _options.MaxDelay.TotalSeconds;
        if (double.IsNaN(seconds) || double.IsInfinity(seconds) || seconds > max)
        {
            seconds = max;
        }

        if (_options.UseJitter)
        {
            seconds *= 1 + (((_random() * 2) - 1) * JitterSpread);
            seconds = Math.Min(seconds, max);
        }

        return ToVisibilitySeconds(seconds);
    }

    /// <summary>
    /// The delay when another attempt holds the idempotency lease: until that lease lapses plus
    /// <see cref="InProgressMargin"/>, capped by <see cref="SqsRedeliveryOptions.MaxInProgressDelay"/>; the configured
    /// <see cref="SqsRedeliveryOptions.InProgressDelay"/> when the lease end is unknown.
    /// </summary>
    /// <param name="blockingLeaseEnd">When the blocking lease lapses, if the store said.</param>
    /// <param name="now">The current time.</param>
    public int DelaySecondsWhileInProgressElsewhere(DateTimeOffset? blockingLeaseEnd, DateTimeOffset now)
    {
        if (blockingLeaseEnd is not { } end)
        {
            return ToVisibilitySeconds(_options.InProgressDelay.TotalSeconds);
        }

        // The margin covers clock skew between this host and the holder, and rounding of the lease end.
        var seconds = (end - now + InProgressMargin).TotalSeconds;
        return ToVisibilitySeconds(Math.Min(seconds, _options.MaxInProgressDelay.TotalSeconds));
    }

    /// <summary>How long after the blocking lease lapses a rejected message comes back.</summary>
    public static TimeSpan InProgressMargin { get; } = TimeSpan.FromSeconds(1);

    private static int ToVisibilitySeconds(double seconds) => (int)Math.Clamp(Math.Ceiling(seconds), 1, MaxVisibilitySeconds);
}
