namespace IdempotentConsumer.TestInfrastructure.Lambda;

/// <summary>The end of one invocation through <see cref="LambdaRuntimeApiEmulator"/>.</summary>
/// <param name="RequestId">The <c>Lambda-Runtime-Aws-Request-Id</c> the invocation carried.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Body">The response payload, or the error document (<c>{"errorType":…,"errorMessage":…}</c>).</param>
/// <param name="ErrorType">The error type (the runtime's <c>Lambda-Runtime-Function-Error-Type</c> header, or the emulator's own); null on success.</param>
public sealed record LambdaRuntimeInvocationResult(string RequestId, LambdaRuntimeInvocationOutcome Outcome, string Body, string? ErrorType)
{
    /// <summary>True when the function returned a response.</summary>
    public bool Succeeded => Outcome == LambdaRuntimeInvocationOutcome.Response;
}
