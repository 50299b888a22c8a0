using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Pipeline;

namespace IdempotentConsumer.Dispositions;

/// <summary>
/// The one place that turns how a message ended into what its transport should do with it. The pipeline calls it for
/// every message; adapters read <see cref="MessageProcessingResult.Disposition"/> and never re-derive it.
/// </summary>
/// <remarks>
/// Delays are whole seconds between 1 s and 12 h, the unit and range of SQS visibility: a failure never comes straight
/// back in a hot loop, and a message hidden while another attempt holds its lease comes back when that lease lapses
/// (plus <see cref="InProgressMargin"/>), so waiting for a crashed holder costs one receive, not the redrive budget.
/// </remarks>
public sealed class DispositionPolicy
{
    private const double MaxDelaySeconds = 43_200;
    private const double JitterSpread = 0.2;
    private readonly RedeliveryOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Func<double> _random;

    /// <summary>Creates the policy.</summary>
    /// <param name="options">The redelivery delays; defaults when null.</param>
    /// <param name="timeProvider">The clock that measures how long a blocking lease has left.</param>
    /// <param name="random">A source of uniform numbers in [0, 1) for jitter; tests pass a fixed one.</param>
    public DispositionPolicy(RedeliveryOptions? options = null, TimeProvider? timeProvider = null, Func<double>? random = null)
    {
        _options = options ?? new RedeliveryOptions();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <summary>How long after the blocking lease lapses a rejected message comes back; covers clock skew and rounding.</summary>
    public static TimeSpan InProgressMargin { get; } = TimeSpan.FromSeconds(1);

    /// <summary>Decides the fate of a message from how its pipeline run ended.</summary>
    /// <param name="status">Succeeded, replayed or failed.</param>
    /// <param name="error">The failure, when failed.</param>
    /// <param name="receiveCount">How many times the transport has delivered the message (1 on first delivery).</param>
    public MessageDisposition Decide(MessageProcessingStatus status, Exception? error, int receiveCount)
    {
        switch (status)
        {
            case MessageProcessingStatus.Succeeded:
                return MessageDisposition.Acknowledge;
            case MessageProcessingStatus.Replayed:
                return MessageDisposition.AcknowledgeReplay;
        }

        return error switch
        {
            IdempotencyAlreadyInProgressException inProgress => MessageDisposition.InProgressElsewhere(DelayWhileInProgressElsewhere(inProgress.InProgressExpiresAt), inProgress.InProgressExpiresAt),
            _ when IsPoison(error) => MessageDisposition.Poison(DelayAfterFailure(receiveCount)),
            _ => MessageDisposition.Retry(DelayAfterFailure(receiveCount)),
        };
    }

    /// <summary>True for failures that will repeat on every delivery of the same message.</summary>
    public static bool IsPoison(Exception? error) => error is MessageDeserializationException
        or IdempotencyKeyMissingException
        or IdempotencyKeyInvalidException
        or IdempotencyValidationException
        or IdempotencyConfigurationException;

    /// <summary>The delay after a failed delivery that was the <paramref name="receiveCount"/>-th.</summary>
    public TimeSpan DelayAfterFailure(int receiveCount)
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

        return WholeSeconds(seconds);
    }

    /// <summary>
    /// The delay while another attempt holds the lease: until it lapses plus <see cref="InProgressMargin"/>, capped by
    /// <see cref="RedeliveryOptions.MaxInProgressDelay"/>; <see cref="RedeliveryOptions.InProgressDelay"/> when the lease end is unknown.
    /// </summary>
    public TimeSpan DelayWhileInProgressElsewhere(DateTimeOffset? blockingLeaseEnd)
    {
        if (blockingLeaseEnd is not { } end)
        {
            return WholeSeconds(_options.InProgressDelay.TotalSeconds);
        }

        var seconds = (end - _timeProvider.GetUtcNow() + InProgressMargin).TotalSeconds;
        return WholeSeconds(Math.Min(seconds, _options.MaxInProgressDelay.TotalSeconds));
    }

    private static TimeSpan WholeSeconds(double seconds) => TimeSpan.FromSeconds(Math.Clamp(Math.Ceiling(seconds), 1, MaxDelaySeconds));
}
