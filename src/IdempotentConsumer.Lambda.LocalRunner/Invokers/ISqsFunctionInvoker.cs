namespace IdempotentConsumer.Lambda.LocalRunner.Invokers;

/// <summary>
/// How the local event source mapping reaches the function: in this process (<see cref="InProcessSqsFunctionInvoker"/>)
/// or through the Lambda Invoke and Runtime APIs, the function running as its own process (<see cref="RuntimeApiSqsFunctionInvoker"/>).
/// </summary>
public interface ISqsFunctionInvoker
{
    /// <summary>
    /// Invokes the function with one batch. A function failure (thrown exception, error response, timeout,
    /// crashed process) is returned in <see cref="SqsFunctionOutcome.Error"/>, never thrown.
    /// </summary>
    Task<SqsFunctionOutcome> InvokeAsync(SqsFunctionInvocation invocation, CancellationToken cancellationToken);
}
