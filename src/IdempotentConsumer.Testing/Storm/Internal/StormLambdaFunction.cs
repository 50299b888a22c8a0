using Amazon.Lambda.Core;
using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Lambda.LocalRunner;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Sqs.Transport;
using Microsoft.Extensions.Hosting;

namespace IdempotentConsumer.Testing.Storm.Internal;

/// <summary>
/// One consumer "process" as a Lambda execution environment: the local event source mapping polls the process's view
/// of the queue and invokes the batch processor in process, as AWS's mapping invokes a deployed function. A crash
/// fails the invocation as a whole (the runtime reports an error, not the response), so the mapping deletes nothing
/// of that batch and its records come back after their visibility timeout.
/// </summary>
internal sealed class StormLambdaFunction<TMessage> : IHostedService
{
    private static readonly TimeSpan ErrorBackoff = TimeSpan.FromMilliseconds(50);

    private readonly StormProcess _process;
    private readonly SqsBatchProcessor<TMessage> _processor;
    private readonly LocalEventSourceMapping _mapping;
    private CancellationTokenSource? _stop;
    private Task? _polling;

    public StormLambdaFunction(StormProcess process, ISqsTransport transport, string queueUrl, TimeSpan functionTimeout, SqsBatchProcessor<TMessage> processor)
    {
        _process = process;
        _processor = processor;
        _mapping = new LocalEventSourceMapping(
            transport,
            new LocalEventSourceMappingOptions
            {
                QueueUrl = queueUrl,
                FunctionName = $"storm-{process.Slot}",

                // One record per invocation: a crash takes exactly the message it struck, as with the worker.
                BatchSize = 1,
                WaitTimeSeconds = 1,
                FunctionTimeout = functionTimeout,
            },
            InvokeAsync,
            functionLogger: SilentLambdaLogger.Instance);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _stop = new CancellationTokenSource();
        _polling = Task.Run(() => PollAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stop is null || _polling is null)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _polling.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The backoff delay ended by the stop.
        }

        _stop.Dispose();
    }

    private async Task<SQSBatchResponse> InvokeAsync(SQSEvent sqsEvent, ILambdaContext context)
    {
        var response = await _processor.ProcessAsync(sqsEvent, context).ConfigureAwait(false);
        _process.ThrowIfDead();
        return response;
    }

    private async Task PollAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && !_process.IsDead)
        {
            try
            {
                await _mapping.PollOnceAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception) when (!_process.IsDead)
            {
                // A failed receive or delete: AWS's mapping backs off and polls again.
                await Task.Delay(ErrorBackoff, stop).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // A dead environment polls no more; its slot replaces it.
                return;
            }
        }
    }

    /// <summary>The function's <c>context.Logger</c>: the storm reports through its own counters.</summary>
    private sealed class SilentLambdaLogger : ILambdaLogger
    {
        public static SilentLambdaLogger Instance { get; } = new();

        public void Log(string message)
        {
        }

        public void LogLine(string message)
        {
        }
    }
}
