using System.Globalization;
using IdempotentConsumer.Pipeline;
using OrderShipping.Demo.Queues;
using OrderShipping.Demo.Reporting;
using OrderShipping.Demo.Scenario;

namespace OrderShipping.Demo.Consumers;

/// <summary>
/// One consumer: receive up to ten, run them through the pipeline side by side, delete each one that
/// succeeded or replayed, hand "in progress" ones back with a short back-off. A crash abandons whatever
/// the process still held (the queue redelivers it) and restarts the process.
/// </summary>
internal sealed class ConsumerLoop(
    int number,
    IOrderQueue queue,
    Func<string, ConsumerProcess> startProcess,
    DemoStatistics statistics,
    DemoTimings timings,
    IServiceProvider services)
{
    public async Task RunAsync(CancellationToken stopping)
    {
        var generation = 1;
        var process = startProcess(Name(generation));
        while (!stopping.IsCancellationRequested)
        {
            IReadOnlyList<ReceivedMessage> batch;
            try
            {
                batch = await queue.ReceiveAsync(10, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }

            // The batch's messages run side by side, as the Lambda adapter runs a standard queue's records;
            // each is settled as soon as it is done, so one slow order does not hold back the others.
            var current = process;
            await Task.WhenAll(batch.Select(message => HandleAsync(current, message, stopping))).ConfigureAwait(false);
            if (current.IsDead)
            {
                // The process died: whatever it still held is not deleted, and the queue redelivers it after the visibility timeout.
                statistics.RecordCrash();
                process = startProcess(Name(++generation));
            }
        }
    }

    private async Task HandleAsync(ConsumerProcess process, ReceivedMessage message, CancellationToken stopping)
    {
        statistics.RecordDelivery(message.Incoming.ReceiveCount);
        var result = await process.Pipeline.ProcessAsync(message.Incoming, services, timings.Lease, stopping).ConfigureAwait(false);
        var inProgressElsewhere = result.Status == MessageProcessingStatus.Failed && result.IsInProgressElsewhere;
        switch (result.Status)
        {
            case MessageProcessingStatus.Succeeded:
                statistics.RecordExecution();
                break;
            case MessageProcessingStatus.Replayed:
                statistics.RecordReplay();
                break;
            case MessageProcessingStatus.Failed when inProgressElsewhere:
                statistics.RecordInProgressRejection();
                break;
            default:
                statistics.RecordOtherFailure();
                break;
        }

        if (process.IsDead)
        {
            // A dead process settles nothing: the message comes back after the visibility timeout.
            return;
        }

        if (result.IsSuccess)
        {
            await DeleteAsync(message).ConfigureAwait(false);
        }
        else if (inProgressElsewhere)
        {
            // Another consumer holds the order (or a dead one's lease has not lapsed): offer it again soon.
            await queue.ReturnAsync(message, timings.InProgressBackoff, CancellationToken.None).ConfigureAwait(false);
        }

        // Any other failure is left alone: the visibility timeout brings the message back.
    }

    private async ValueTask DeleteAsync(ReceivedMessage message)
    {
        foreach (var id in await queue.DeleteAsync([message], CancellationToken.None).ConfigureAwait(false))
        {
            statistics.RecordSettled(id);
        }
    }

    private string Name(int generation) => string.Create(CultureInfo.InvariantCulture, $"consumer-{number}.{generation}");
}
