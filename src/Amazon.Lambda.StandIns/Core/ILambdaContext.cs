namespace Amazon.Lambda.Core;

/// <summary>What the Lambda runtime tells a handler about the current invocation (stand-in for the official interface).</summary>
public interface ILambdaContext
{
    /// <summary>The request id of this invocation; the same across the runtime's retries of one request.</summary>
    string AwsRequestId { get; }

    /// <summary>Mobile SDK client information; usually null.</summary>
    IClientContext? ClientContext { get; }

    /// <summary>The function's name.</summary>
    string FunctionName { get; }

    /// <summary>The version being executed (the version an alias points to, when invoked through one).</summary>
    string FunctionVersion { get; }

    /// <summary>Cognito identity of a Mobile SDK caller; usually null.</summary>
    ICognitoIdentity? Identity { get; }

    /// <summary>The ARN the function was invoked with (function or alias ARN).</summary>
    string InvokedFunctionArn { get; }

    /// <summary>The logger writing to the function's CloudWatch log stream.</summary>
    ILambdaLogger Logger { get; }

    /// <summary>The CloudWatch log group of the function.</summary>
    string? LogGroupName { get; }

    /// <summary>The CloudWatch log stream of this execution environment.</summary>
    string? LogStreamName { get; }

    /// <summary>The configured memory, in MB.</summary>
    int MemoryLimitInMB { get; }

    /// <summary>Time left before the runtime stops the invocation; it decreases while the handler runs.</summary>
    TimeSpan RemainingTime { get; }
}
