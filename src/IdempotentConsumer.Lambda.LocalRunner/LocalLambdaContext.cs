using Amazon.Lambda.Core;

namespace IdempotentConsumer.Lambda.LocalRunner;

/// <summary>
/// An <see cref="ILambdaContext"/> for running a function outside Lambda: <see cref="RemainingTime"/> counts down
/// from the configured timeout on the given clock (a FakeTimeProvider in tests), as the real one does.
/// </summary>
public sealed class LocalLambdaContext : ILambdaContext
{
    private readonly TimeProvider _timeProvider;
    private readonly DateTimeOffset _deadline;

    /// <summary>Creates a context for one invocation.</summary>
    /// <param name="timeout">The function timeout: the remaining time at the start of the invocation.</param>
    /// <param name="timeProvider">The clock; defaults to the system clock.</param>
    /// <param name="logger">Where <see cref="Logger"/> writes; defaults to standard output.</param>
    /// <param name="functionName">The function name.</param>
    /// <param name="awsRequestId">The request id; a new GUID when null.</param>
    public LocalLambdaContext(TimeSpan timeout, TimeProvider? timeProvider = null, ILambdaLogger? logger = null, string functionName = "local-function", string? awsRequestId = null)
    {
        if (timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The function timeout must be positive.");
        }

        _timeProvider = timeProvider ?? TimeProvider.System;
        _deadline = _timeProvider.GetUtcNow() + timeout;
        Timeout = timeout;
        Logger = logger ?? new TextWriterLambdaLogger(Console.Out);
        FunctionName = functionName ?? throw new ArgumentNullException(nameof(functionName));
        AwsRequestId = awsRequestId ?? Guid.NewGuid().ToString();
    }

    /// <summary>The function timeout this context started with.</summary>
    public TimeSpan Timeout { get; }

    /// <inheritdoc />
    public string AwsRequestId { get; }

    /// <inheritdoc />
    public IClientContext? ClientContext => null;

    /// <inheritdoc />
    public string FunctionName { get; }

    /// <inheritdoc />
    public string FunctionVersion { get; init; } = "$LATEST";

    /// <inheritdoc />
    public ICognitoIdentity? Identity => null;

    /// <inheritdoc />
    public string InvokedFunctionArn => $"arn:aws:lambda:local:000000000000:function:{FunctionName}";

    /// <inheritdoc />
    public ILambdaLogger Logger { get; }

    /// <inheritdoc />
    public string? LogGroupName => $"/aws/lambda/{FunctionName}";

    /// <inheritdoc />
    public string? LogStreamName => "local";

    /// <inheritdoc />
    public int MemoryLimitInMB { get; init; } = 512;

    /// <inheritdoc />
    public TimeSpan RemainingTime
    {
        get
        {
            var left = _deadline - _timeProvider.GetUtcNow();
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }
}
