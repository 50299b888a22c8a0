namespace IdempotentConsumer.Testing.Storm;

/// <summary>Thrown by the report's assertions; its message is the readable report with the offending keys.</summary>
public sealed class StormAssertionException : Exception
{
    /// <summary>Creates the exception for a failed report.</summary>
    public StormAssertionException(string message, StormReport report)
        : base(message)
    {
        Report = report ?? throw new ArgumentNullException(nameof(report));
    }

    /// <summary>The report that failed.</summary>
    public StormReport Report { get; }
}
