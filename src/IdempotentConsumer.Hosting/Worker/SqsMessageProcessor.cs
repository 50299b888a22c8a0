using IdempotentConsumer.Hosting.Telemetry;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Sqs.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Hosting.Worker;

/// <summary>
/// Runs one delivery through the pipeline in its own DI scope, its idempotency lease ending where the heartbeat says
/// (<see cref="VisibilityHeartbeat.LeaseUntil"/>), then deletes it, backs it off or hands it back.
/// </summary>
internal sealed partial class SqsMessageProcessor<TMessage>
{
    private static readonly TimeSpan MinimumLease = TimeSpan.FromSeconds(1);
    private readonly MessagePipeline<TMessage> _pipeline;
    private readonly IServiceScopeFactory _scopes;
    private readonly int? _maxReceiveCount;
    private readonly DeleteBatcher _deletes;
    private readonly ISqsTransport _sqs;
    private readonly string _queueUrl;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Action<SqsDelivery> _onFinished;
    private readonly CancellationToken _abort;

    // onFinished: Called once per delivery when it is over (frees its slot).
    // abort: Gives up on queue calls still pending after the shutdown's hand-back timeout.
    public SqsMessageProcessor(
        MessagePipeline<TMessage> pipeline,
        IServiceScopeFactory scopes,
        int? maxReceiveCount,
        DeleteBatcher deletes,
        ISqsTransport sqs,
        string queueUrl,
        TimeProvider timeProvider,
        ILogger logger,
        Action<SqsDelivery> onFinished,
        CancellationToken abort)
    {
        _pipeline = pipeline;
        _scopes = scopes;
        _maxReceiveCount = maxReceiveCount;
        _deletes = deletes;
        _sqs = sqs;
        _queueUrl = queueUrl;
        _timeProvider = timeProvider;
        _logger = logger;
        _onFinished = onFinished;
        _abort = abort;
    }

    /// <returns>True when the message was deleted (its FIFO group may go on).</returns>
    public async Task<bool> ProcessAsync(SqsDelivery delivery)
    {
        try
        {
            if (delivery.IsAbandoned)
            {
                await delivery.Heartbeat.StopAsync().ConfigureAwait(false);
                await ChangeVisibilityAsync(delivery, SqsQueueAction.HandBack("shutdown")).ConfigureAwait(false);
                return false;
            }

            if (delivery.Leader is not null)
            {
                return await TakeLeaderResultAsync(delivery).ConfigureAwait(false);
            }

            if (delivery.Heartbeat.IsLost)
            {
                // It waited behind its FIFO group for longer than the heartbeat could keep it: not ours to run.
                await delivery.Heartbeat.StopAsync().ConfigureAwait(false);
                LogLeft(_logger, delivery.MessageId);
                return false;
            }

            var result = await RunPipelineAsync(delivery).ConfigureAwait(false);
            delivery.PublishResult(result);
            await delivery.Heartbeat.StopAsync().ConfigureAwait(false);
            var disposition = SqsQueueAction.For(result, delivery.Incoming.ReceiveCount, delivery.IsAbandoned, delivery.Heartbeat.IsLost, _maxReceiveCount);
            await ApplyAsync(delivery, disposition).ConfigureAwait(false);
            return disposition.Kind == SqsQueueActionKind.Delete;
        }
        catch (Exception ex)
        {
            // The pipeline never throws; this is a bug here. The message comes back after its visibility timeout.
            LogUnexpected(_logger, ex, delivery.MessageId);
            return false;
        }
        finally
        {
            delivery.PublishResult(null);
            _onFinished(delivery);
        }
    }

    /// <summary>
    /// A copy of an earlier message of its receive: it waits (kept invisible by its heartbeat) for that message's result
    /// and shares its fate with no store call of its own. Success or replay: deleted. Failure: it goes back the same way,
    /// by its own receive count. No result (handed back or lost): handed back at once; a redelivery then meets the
    /// record like any duplicate.
    /// </summary>
    private async Task<bool> TakeLeaderResultAsync(SqsDelivery delivery)
    {
        MessageProcessingResult? leader;
        try
        {
            leader = await delivery.LeaderResult.WaitAsync(delivery.HandlerToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (delivery.HandlerToken.IsCancellationRequested)
        {
            // Shutdown gave up on it, or its heartbeat lost it, while it waited.
            await delivery.Heartbeat.StopAsync().ConfigureAwait(false);
            if (delivery.IsAbandoned)
            {
                await ChangeVisibilityAsync(delivery, SqsQueueAction.HandBack("shutdown")).ConfigureAwait(false);
            }
            else
            {
                LogLeft(_logger, delivery.MessageId);
            }

            return false;
        }

        await delivery.Heartbeat.StopAsync().ConfigureAwait(false);
        var disposition = leader is null
            ? SqsQueueAction.HandBack("duplicate_unfinished")
            : SqsQueueAction.For(leader, delivery.Incoming.ReceiveCount, delivery.IsAbandoned, delivery.Heartbeat.IsLost, _maxReceiveCount);
        LogCopyDecided(_logger, delivery.MessageId, delivery.Leader!.MessageId, disposition.Kind);
        await ApplyAsync(delivery, disposition).ConfigureAwait(false);
        return disposition.Kind == SqsQueueActionKind.Delete;
    }

    /// <summary>Returns a delivery unprocessed (the rest of a failed FIFO group, or a straggler at shutdown).</summary>
    public async Task HandBackAsync(SqsDelivery delivery, string reason)
    {
        try
        {
            await delivery.Heartbeat.StopAsync().ConfigureAwait(false);
            await ChangeVisibilityAsync(delivery, SqsQueueAction.HandBack(reason)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogUnexpected(_logger, ex, delivery.MessageId);
        }
        finally
        {
            delivery.PublishResult(null);
            _onFinished(delivery);
        }
    }

    private async Task<MessageProcessingResult> RunPipelineAsync(SqsDelivery delivery)
    {
        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var remaining = delivery.Heartbeat.LeaseUntil - _timeProvider.GetUtcNow();
            var context = new MessageContext<TMessage>(delivery.Incoming, scope.ServiceProvider, delivery.HandlerToken)
            {
                LeaseDuration = remaining > MinimumLease ? remaining : MinimumLease,
                PrecheckedRecord = delivery.Prechecked,
            };

            delivery.Heartbeat.LeaseAccessor = () => context.Lease;
            try
            {
                return await _pipeline.ProcessAsync(context).ConfigureAwait(false);
            }
            finally
            {
                delivery.Heartbeat.LeaseAccessor = null;
            }
        }
    }

    private async Task ApplyAsync(SqsDelivery delivery, SqsQueueAction disposition)
    {
        switch (disposition.Kind)
        {
            case SqsQueueActionKind.Delete:
                if (!_deletes.Enqueue(delivery.MessageId, delivery.ReceiptHandle))
                {
                    LogDeleteAfterShutdown(_logger, delivery.MessageId);
                }

                break;
            case SqsQueueActionKind.Retry:
                if (disposition.ReachedMaxReceiveCount)
                {
                    LogMaxReceiveCount(_logger, delivery.MessageId, delivery.Incoming.ReceiveCount, _maxReceiveCount ?? 0);
                }

                await ChangeVisibilityAsync(delivery, disposition).ConfigureAwait(false);
                break;
            case SqsQueueActionKind.HandBack:
                await ChangeVisibilityAsync(delivery, disposition).ConfigureAwait(false);
                break;
            case SqsQueueActionKind.Leave:
                LogLeft(_logger, delivery.MessageId);
                break;
        }
    }

    private async Task ChangeVisibilityAsync(SqsDelivery delivery, SqsQueueAction disposition)
    {
        try
        {
            await _sqs.ChangeVisibilityAsync(_queueUrl, delivery.ReceiptHandle, TimeSpan.FromSeconds(disposition.VisibilitySeconds), _abort).ConfigureAwait(false);
            SqsConsumerTelemetry.RecordReturned(disposition.Reason);
            LogReturned(_logger, delivery.MessageId, disposition.VisibilitySeconds, disposition.Reason);
        }
        catch (Exception ex)
        {
            // Not fatal: the message comes back when its current visibility lapses instead.
            SqsConsumerTelemetry.RecordError("change_visibility");
            LogReturnFailed(_logger, ex, delivery.MessageId, disposition.Reason);
        }
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Debug, Message = "Message {MessageId} goes back to the queue in {Seconds} s ({Reason}).")]
    private static partial void LogReturned(ILogger logger, string messageId, int seconds, string reason);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Message {MessageId} could not be made visible again ({Reason}); it comes back when its visibility lapses.")]
    private static partial void LogReturnFailed(ILogger logger, Exception exception, string messageId, string reason);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "Message {MessageId} failed on receive {ReceiveCount} of at most {MaxReceiveCount}: the queue's redrive policy moves it to the dead-letter queue.")]
    private static partial void LogMaxReceiveCount(ILogger logger, string messageId, int receiveCount, int maxReceiveCount);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Message {MessageId} was lost to its heartbeat; leaving it to the queue.")]
    private static partial void LogLeft(ILogger logger, string messageId);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "Message {MessageId} finished after shutdown gave up on it; it is not deleted and is answered from its record when it comes back.")]
    private static partial void LogDeleteAfterShutdown(ILogger logger, string messageId);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Debug, Message = "Message {MessageId} shares its key with {LeaderId} in one receive and takes its result: {Disposition}.")]
    private static partial void LogCopyDecided(ILogger logger, string messageId, string leaderId, SqsQueueActionKind disposition);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Error, Message = "Message {MessageId}: unexpected error in the worker; it comes back after its visibility timeout.")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string messageId);
}
