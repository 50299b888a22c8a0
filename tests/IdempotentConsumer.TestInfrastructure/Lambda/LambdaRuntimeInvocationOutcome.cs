namespace IdempotentConsumer.TestInfrastructure.Lambda;

/// <summary>How an invocation through <see cref="LambdaRuntimeApiEmulator"/> ended.</summary>
public enum LambdaRuntimeInvocationOutcome
{
    /// <summary>The runtime posted a response (<c>POST …/invocation/{id}/response</c>).</summary>
    Response,

    /// <summary>The runtime posted an error (<c>POST …/invocation/{id}/error</c>).</summary>
    FunctionError,

    /// <summary>The deadline passed without a response: Lambda's <c>Sandbox.Timedout</c>.</summary>
    TimedOut,

    /// <summary>The function process exited while it held the invocation: Lambda's <c>Runtime.ExitError</c>.</summary>
    RuntimeExited,

    /// <summary>The runtime reported an init error (<c>POST /runtime/init/error</c>) before taking the invocation.</summary>
    InitError,

    /// <summary>No runtime asked for the invocation within the init timeout.</summary>
    NoRuntime,
}
