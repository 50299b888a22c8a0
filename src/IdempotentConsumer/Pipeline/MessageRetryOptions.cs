using Polly;

namespace IdempotentConsumer.Pipeline;

/// <summary>In-process retry of transient handler failures, while the idempotency lease is held. Bindable from configuration.</summary>
public sealed class MessageRetryOptions
{
    /// <summary>Retries after the first attempt. 0 turns retry off. Default: 2.</summary>
    public int MaxRetryAttempts { get; set; } = 2;

    /// <summary>The base delay between attempts. Default: 200 ms.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest delay between attempts. Default: 5 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How the delay grows. Default: exponential.</summary>
    public DelayBackoffType BackoffType { get; set; } = DelayBackoffType.Exponential;

    /// <summary>Randomize delays so many consumers do not retry in lockstep. Default: true.</summary>
    public bool UseJitter { get; set; } = true;

    /// <summary>Which failures are retried. Default: <see cref="TransientErrorClassifier.IsTransient"/>.</summary>
    public Func<Exception, bool> ShouldRetry { get; set; } = TransientErrorClassifier.IsTransient;

    /// <summary>A copy whose changes do not reach these options (a built consumer captures its own).</summary>
    public MessageRetryOptions Clone() => (MessageRetryOptions)MemberwiseClone();
}
