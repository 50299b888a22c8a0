namespace IdempotentConsumer.Dispositions;

/// <summary>
/// When a message that was not acknowledged comes back. Queues count visibility in whole seconds, so adapters round
/// every delay up to at least one second: a failure never comes straight back in a hot loop. Bindable from configuration.
/// </summary>
public sealed class RedeliveryOptions
{
    /// <summary>The delay after the first failed delivery. Default: 2 s.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The factor applied per further delivery (<c>InitialDelay × Multiplier^(receiveCount − 1)</c>). Default: 2.</summary>
    public double Multiplier { get; set; } = 2;

    /// <summary>The longest delay (SQS allows up to 12 h). Default: 5 min.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Spread delays by up to ±20 % so failures of many messages do not return in lockstep. Default: true.</summary>
    public bool UseJitter { get; set; } = true;

    /// <summary>
    /// The delay when another attempt holds the message's idempotency lease ("already in progress") and the store
    /// did not say when that lease lapses. Default: 2 s.
    /// </summary>
    public TimeSpan InProgressDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The longest a message rejected as "already in progress" is hidden. It is normally hidden until the blocking
    /// lease lapses (plus a second), so that waiting for a crashed holder costs one receive, not the queue's whole
    /// <c>maxReceiveCount</c>; this caps that wait (SQS itself allows at most 12 h). Default: 15 min.
    /// </summary>
    public TimeSpan MaxInProgressDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A copy whose changes do not reach these options (a built consumer captures its own).</summary>
    public RedeliveryOptions Clone() => (RedeliveryOptions)MemberwiseClone();
}
