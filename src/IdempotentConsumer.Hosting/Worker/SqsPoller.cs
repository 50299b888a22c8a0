using IdempotentConsumer.Sqs;
using IdempotentConsumer.Sqs.Transport;
using IdempotentConsumer.Hosting.Options;
using IdempotentConsumer.Hosting.Telemetry;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Hosting.Worker;

/// <summary>
/// Long-polls the queue while there are free slots, asking for no more messages than there are slots, with every
/// system attribute. A failed receive is logged and retried after a growing pause; the loop only ends when stopped.
/// </summary>
internal sealed partial class SqsPoller
{
    private readonly ISqsTransport _sqs;
    private readonly SqsConsumerOptions _options;
    private readonly bool _isFifo;
    private readonly ConcurrencyGate _gate;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public SqsPoller(ISqsTransport sqs, SqsConsumerOptions options, bool isFifo, ConcurrencyGate gate, TimeProvider timeProvider, ILogger logger)
    {
        _sqs = sqs;
        _options = options;
        _isFifo = isFifo;
        _gate = gate;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <param name="onReceived">Takes over the messages of one receive (and a slot each) with the time they were received.</param>
    /// <param name="stop">Stops receiving; an in-flight long poll is cancelled.</param>
    public async Task RunAsync(Action<IReadOnlyList<SqsTransportMessage>, DateTimeOffset> onReceived, CancellationToken stop)
    {
        var backoff = new ErrorBackoff(_options.ErrorBackoff, _timeProvider);
        string? attemptId = null;
        while (!stop.IsCancellationRequested)
        {
            int slots;
            try
            {
                slots = await _gate.AcquireAsync(_options.MaxNumberOfMessages, _options.ReceiveBatchWindow, _timeProvider, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }

            var handedOver = 0;
            try
            {
                // FIFO: a receive retried with the same attempt id returns the same messages instead of locking them away.
                attemptId ??= _isFifo ? Guid.NewGuid().ToString("N") : null;
                var messages = await _sqs.ReceiveAsync(CreateRequest(slots, attemptId), stop).ConfigureAwait(false);
                attemptId = null;
                backoff.Reset();
                var receivedAt = _timeProvider.GetUtcNow();
                if (messages.Count == 0)
                {
                    if (_options.WaitTimeSeconds == 0)
                    {
                        // Short polling on an empty queue would otherwise spin.
                        await Task.Delay(_options.ErrorBackoff.InitialDelay, _timeProvider, stop).ConfigureAwait(false);
                    }

                    continue;
                }

                var accepted = new List<SqsTransportMessage>(Math.Min(messages.Count, slots));
                foreach (var message in messages)
                {
                    if (accepted.Count == slots || string.IsNullOrEmpty(message.ReceiptHandle))
                    {
                        LogUnexpectedMessage(_logger, message.MessageId);
                        continue;
                    }

                    accepted.Add(message);
                }

                handedOver = accepted.Count;
                if (accepted.Count > 0)
                {
                    onReceived(accepted, receivedAt);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                SqsConsumerTelemetry.RecordError("receive");
                var delay = backoff.NextDelay();
                LogReceiveFailed(_logger, ex, backoff.ConsecutiveFailures, delay);
                try
                {
                    await Task.Delay(delay, _timeProvider, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
            finally
            {
                _gate.Release(slots - handedOver);
            }
        }
    }

    private SqsReceiveRequest CreateRequest(int maxMessages, string? attemptId) => new()
    {
        QueueUrl = _options.QueueUrl,
        MaxMessages = maxMessages,
        WaitTime = TimeSpan.FromSeconds(_options.WaitTimeSeconds),
        VisibilityTimeout = _options.VisibilityTimeout,
        ReceiveRequestAttemptId = attemptId,
    };

    [LoggerMessage(EventId = 1000, Level = LogLevel.Warning, Message = "Receiving failed ({Failures} in a row); trying again in {Delay}.")]
    private static partial void LogReceiveFailed(ILogger logger, Exception exception, int failures, TimeSpan delay);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Ignoring message {MessageId}: more messages than asked for, or no receipt handle; it comes back after its visibility timeout.")]
    private static partial void LogUnexpectedMessage(ILogger logger, string? messageId);
}
