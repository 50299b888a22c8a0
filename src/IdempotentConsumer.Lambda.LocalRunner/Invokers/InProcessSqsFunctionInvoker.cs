using Amazon.Lambda.Core;
using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Lambda.Sqs;

namespace IdempotentConsumer.Lambda.LocalRunner.Invokers;

/// <summary>Calls a handler delegate in this process, with the function timeout enforced on the result.</summary>
public sealed class InProcessSqsFunctionInvoker : ISqsFunctionInvoker
{
    private readonly Func<SQSEvent, ILambdaContext, Task<SQSBatchResponse>> _function;
    private readonly TimeProvider _timeProvider;
    private readonly bool _roundTripThroughJson;

    /// <summary>Creates the invoker.</summary>
    /// <param name="function">The handler; a null response means no failures.</param>
    /// <param name="roundTripThroughJson">Pass the response through Lambda's JSON, as Lambda would.</param>
    /// <param name="timeProvider">The clock of the timeout.</param>
    public InProcessSqsFunctionInvoker(Func<SQSEvent, ILambdaContext, Task<SQSBatchResponse>> function, bool roundTripThroughJson = true, TimeProvider? timeProvider = null)
    {
        _function = function ?? throw new ArgumentNullException(nameof(function));
        _roundTripThroughJson = roundTripThroughJson;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public async Task<SqsFunctionOutcome> InvokeAsync(SqsFunctionInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        Task<SQSBatchResponse> running;
        try
        {
            running = _function(invocation.Event, invocation.Context);
        }
        catch (Exception ex)
        {
            return SqsFunctionOutcome.Failed(ex);
        }

        // Lambda stops an invocation at its timeout; here the function keeps running, but its batch counts as failed.
        var timeout = invocation.Context.Timeout;
        using var timer = new CancellationTokenSource();
        var expiry = Task.Delay(timeout, _timeProvider, timer.Token);
        var finished = await Task.WhenAny(running, expiry).ConfigureAwait(false);
        if (finished != running)
        {
            return SqsFunctionOutcome.Failed(new TimeoutException($"The function did not return within its {timeout.TotalSeconds:F1} s timeout."));
        }

        await timer.CancelAsync().ConfigureAwait(false);
        SQSBatchResponse response;
        try
        {
            response = await running.ConfigureAwait(false) ?? new SQSBatchResponse();
        }
        catch (Exception ex)
        {
            return SqsFunctionOutcome.Failed(ex);
        }

        var json = LambdaSqsJson.Serialize(response);
        return SqsFunctionOutcome.Returned(_roundTripThroughJson ? LambdaSqsJson.DeserializeBatchResponse(json) : response, json);
    }
}
