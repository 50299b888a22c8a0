using IdempotentConsumer.Hosting.Options;

namespace IdempotentConsumer.Hosting.Worker;

/// <summary>
/// The pause after consecutive failed SQS calls: doubles from the initial delay up to the maximum, resets on
/// success. One per loop; not thread-safe.
/// </summary>
internal sealed class ErrorBackoff(SqsErrorBackoffOptions options, TimeProvider timeProvider)
{
    private int _consecutiveFailures;

    /// <summary>How many calls in a row have failed.</summary>
    public int ConsecutiveFailures => _consecutiveFailures;

    /// <summary>Returns the pause for one more failure and counts it.</summary>
    public TimeSpan NextDelay()
    {
        var factor = Math.Pow(2, Math.Min(_consecutiveFailures, 30));
        _consecutiveFailures++;
        var delay = options.InitialDelay * factor;
        return delay > options.MaxDelay ? options.MaxDelay : delay;
    }

    /// <summary>Counts one more failure and waits its pause.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => Task.Delay(NextDelay(), timeProvider, cancellationToken);

    /// <summary>Forgets past failures after a successful call.</summary>
    public void Reset() => _consecutiveFailures = 0;
}
