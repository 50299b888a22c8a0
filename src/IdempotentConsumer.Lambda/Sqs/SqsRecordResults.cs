using IdempotentConsumer.Dispositions;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Lambda.Logging;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Sqs;

namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>
/// Turns how a record ended into its <see cref="SqsRecordResult"/> and log entry. The pipeline decided the disposition;
/// this only names it (<see cref="SqsRecordFailureReason"/>) and adds the states only the batch processor knows.
/// </summary>
internal static class SqsRecordResults
{
    /// <summary>The result of a record the pipeline ran; <paramref name="timedOut"/>: the invocation's deadline had passed when it ended.</summary>
    public static SqsRecordResult FromPipeline(LambdaSqsTransportMessage message, int receiveCount, MessageProcessingResult processed, bool timedOut, SqsInvocation invocation)
    {
        var disposition = processed.Disposition;
        if (disposition.IsAcknowledged)
        {
            if (processed.Error is { } notStored)
            {
                // The handler ran and the key is completed; only the response is lost. The record is deleted either way.
                SqsBatchLog.RecordResponseNotStored(invocation.Logger, notStored, message.MessageId, message.MessageGroupId, processed.IdempotencyKey, invocation.RequestId);
            }

            var status = disposition.Kind == MessageDispositionKind.AcknowledgeReplay ? SqsRecordStatus.Replayed : SqsRecordStatus.Succeeded;
            return new SqsRecordResult(message.MessageId, status, SqsRecordFailureReason.None, processed.Error, processed.IdempotencyKey, processed.Response, message.MessageGroupId);
        }

        var error = processed.Error ?? new InvalidOperationException("The pipeline reported a failure without an error.");
        var reason = disposition.Kind switch
        {
            MessageDispositionKind.InProgressElsewhere => SqsRecordFailureReason.InProgressElsewhere,
            MessageDispositionKind.Poison => SqsRecordFailureReason.Poison,
            _ when timedOut => SqsRecordFailureReason.TimedOut,
            _ => SqsRecordFailureReason.Retry,
        };
        return Failed(message, receiveCount, reason, error, processed.IdempotencyKey, disposition.Until, invocation);
    }

    /// <summary>The result of a record that failed before or around the pipeline (a null record, an envelope that would not open, …).</summary>
    public static SqsRecordResult FailedOutsidePipeline(LambdaSqsTransportMessage? message, Exception error, bool timedOut, SqsInvocation invocation)
    {
        var reason = DispositionPolicy.IsPoison(error) ? SqsRecordFailureReason.Poison
            : timedOut ? SqsRecordFailureReason.TimedOut
            : SqsRecordFailureReason.Retry;
        return Failed(message, message is null ? 1 : SqsIncomingMessages.ToIncoming(message).ReceiveCount, reason, error, null, null, invocation);
    }

    /// <summary>The result of a record that was not started.</summary>
    public static SqsRecordResult NotStarted(LambdaSqsTransportMessage? message, SqsRecordFailureReason reason, SqsInvocation invocation)
    {
        var messageId = message?.MessageId ?? string.Empty;
        var remaining = invocation.Context.RemainingTime;
        SqsBatchLog.RecordNotStarted(invocation.Logger, messageId, reason.ToString(), message?.MessageGroupId, (long)remaining.TotalMilliseconds, invocation.RequestId);
        return new SqsRecordResult(messageId, SqsRecordStatus.NotStarted, reason, null, null, null, message?.MessageGroupId);
    }

    /// <summary>The result of a record the envelope says carries no work.</summary>
    public static SqsRecordResult Ignored(LambdaSqsTransportMessage message, string envelope, string reason, SqsInvocation invocation)
    {
        SqsBatchLog.RecordIgnored(invocation.Logger, message.MessageId, envelope, reason, invocation.RequestId);
        return new SqsRecordResult(message.MessageId, SqsRecordStatus.Ignored, SqsRecordFailureReason.None, null, null, null, message.MessageGroupId);
    }

    private static SqsRecordResult Failed(LambdaSqsTransportMessage? message, int receiveCount, SqsRecordFailureReason reason, Exception error, string? key, DateTimeOffset? leaseEnd, SqsInvocation invocation)
    {
        var messageId = message?.MessageId ?? string.Empty;
        var groupId = message?.MessageGroupId;
        if (reason == SqsRecordFailureReason.InProgressElsewhere)
        {
            SqsBatchLog.RecordInProgressElsewhere(invocation.Logger, messageId, reason.ToString(), groupId, receiveCount, key, leaseEnd ?? (error as IdempotencyAlreadyInProgressException)?.InProgressExpiresAt, invocation.RequestId);
        }
        else
        {
            SqsBatchLog.RecordFailed(invocation.Logger, error, messageId, reason.ToString(), error.GetType().Name, error.Message, groupId, receiveCount, key, invocation.RequestId);
        }

        return new SqsRecordResult(messageId, SqsRecordStatus.Failed, reason, error, key, null, groupId);
    }
}
