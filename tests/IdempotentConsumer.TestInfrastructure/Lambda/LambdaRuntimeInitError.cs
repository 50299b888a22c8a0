namespace IdempotentConsumer.TestInfrastructure.Lambda;

/// <summary>One <c>POST /2018-06-01/runtime/init/error</c> the emulator received.</summary>
/// <param name="ErrorType">The <c>Lambda-Runtime-Function-Error-Type</c> header (empty when absent).</param>
/// <param name="Body">The error document the runtime posted.</param>
public sealed record LambdaRuntimeInitError(string ErrorType, string Body);
