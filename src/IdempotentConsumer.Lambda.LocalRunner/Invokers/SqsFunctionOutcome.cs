using Amazon.Lambda.SQSEvents;

namespace IdempotentConsumer.Lambda.LocalRunner.Invokers;

/// <summary>How one invocation ended: a batch response, or a failure of the whole invocation.</summary>
/// <param name="Response">The parsed response; null when <paramref name="Error"/> is set.</param>
/// <param name="ResponseJson">The response in Lambda's JSON; null when <paramref name="Error"/> is set.</param>
/// <param name="Error">Why the invocation failed as a whole (every record is then retained); null on success.</param>
public sealed record SqsFunctionOutcome(SQSBatchResponse? Response, string? ResponseJson, Exception? Error)
{
    /// <summary>A returned response.</summary>
    public static SqsFunctionOutcome Returned(SQSBatchResponse response, string responseJson) => new(response, responseJson, null);

    /// <summary>A failed invocation.</summary>
    public static SqsFunctionOutcome Failed(Exception error) => new(null, null, error);
}
