namespace IdempotentConsumer.Hosting.Options;

/// <summary>The pause after a failed receive or delete call; it doubles per consecutive failure and resets on success.</summary>
public sealed class SqsErrorBackoffOptions
{
    /// <summary>The first pause. Default: 200 ms.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest pause. Default: 30 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);
}
