namespace IdempotentConsumer.Lambda.LocalRunner;

/// <summary>What one poll-and-invoke cycle did.</summary>
/// <param name="AwsRequestId">The request id given to the function; empty when nothing was received.</param>
/// <param name="Received">The message ids received, in batch order.</param>
/// <param name="Deleted">The message ids deleted (successes).</param>
/// <param name="Retained">The message ids left on the queue for redelivery (failures).</param>
/// <param name="FunctionError">The function's exception (or timeout), when the invocation failed as a whole.</param>
/// <param name="EventJson">The event exactly as the function received it, in Lambda's JSON.</param>
/// <param name="ResponseJson">The function's response in Lambda's JSON; null when it threw.</param>
public sealed record LocalInvocationResult(
    string AwsRequestId,
    IReadOnlyList<string> Received,
    IReadOnlyList<string> Deleted,
    IReadOnlyList<string> Retained,
    Exception? FunctionError,
    string? EventJson,
    string? ResponseJson)
{
    /// <summary>True when the receive returned no message.</summary>
    public bool WasIdle => Received.Count == 0;
}
