using IdempotentConsumer.Lambda.Sqs;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Lambda.Logging;

/// <summary>The structured log entries of the SQS batch processor (field names are stable: queries depend on them).</summary>
internal static partial class SqsBatchLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning,
        Message = "Record {MessageId} failed ({Reason}, {ErrorType}): {ErrorMessage}. It goes back to the queue. Group {MessageGroupId}, receive count {ReceiveCount}, key {IdempotencyKey}, request {AwsRequestId}.")]
    public static partial void RecordFailed(ILogger logger, Exception exception, string messageId, string reason, string errorType, string errorMessage, string? messageGroupId, int receiveCount, string? idempotencyKey, string awsRequestId);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information,
        Message = "Record {MessageId} is in progress in another invocation ({Reason}); it goes back to the queue and is retried later. Group {MessageGroupId}, receive count {ReceiveCount}, key {IdempotencyKey}, blocking lease until {InProgressExpiresAt}, request {AwsRequestId}.")]
    public static partial void RecordInProgressElsewhere(ILogger logger, string messageId, string reason, string? messageGroupId, int receiveCount, string? idempotencyKey, DateTimeOffset? inProgressExpiresAt, string awsRequestId);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning,
        Message = "Record {MessageId} was not started ({Reason}); it goes back to the queue. Group {MessageGroupId}, remaining time {RemainingMs} ms, request {AwsRequestId}.")]
    public static partial void RecordNotStarted(ILogger logger, string messageId, string reason, string? messageGroupId, long remainingMs, string awsRequestId);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information,
        Message = "Record {MessageId} ignored by the {Envelope} envelope: {IgnoreReason}. Request {AwsRequestId}.")]
    public static partial void RecordIgnored(ILogger logger, string messageId, string envelope, string ignoreReason, string awsRequestId);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning,
        Message = "A record has no messageId; if it fails, the whole batch is reported failed (Lambda retries it all). Request {AwsRequestId}.")]
    public static partial void RecordWithoutMessageId(ILogger logger, string awsRequestId);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Error,
        Message = "Record {MessageId} was handled and its key {IdempotencyKey} completed, but the response could not be stored; the record is deleted and duplicates are acknowledged without a response. Group {MessageGroupId}, request {AwsRequestId}.")]
    public static partial void RecordResponseNotStored(ILogger logger, Exception exception, string messageId, string? messageGroupId, string? idempotencyKey, string awsRequestId);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information,
        Message = "Batch of {Records} records ({QueueType}) done in {ElapsedMs} ms: {Succeeded} succeeded, {Replayed} replayed, {Ignored} ignored, {Failed} failed, {NotStarted} not started; {ResponseNotStored} of the succeeded kept no response. Request {AwsRequestId}.")]
    public static partial void BatchCompleted(ILogger logger, int records, string queueType, long elapsedMs, int succeeded, int replayed, int ignored, int failed, int notStarted, int responseNotStored, string awsRequestId);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Error,
        Message = "All {Records} records of the batch failed and ThrowOnAllFailed is set: the invocation fails so Lambda retries the whole batch. Request {AwsRequestId}.")]
    public static partial void BatchAllFailed(ILogger logger, int records, string awsRequestId);

    /// <summary>One entry for the whole batch: how many records ended which way.</summary>
    public static void Summary(ILogger logger, SqsBatchResult batch, long elapsedMs, string awsRequestId)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        int succeeded = 0, replayed = 0, ignored = 0, failed = 0, notStarted = 0, responseNotStored = 0;
        foreach (var record in batch.Records)
        {
            if (record.IsSuccess && record.Error is not null)
            {
                responseNotStored++;
            }

            switch (record.Status)
            {
                case SqsRecordStatus.Succeeded: succeeded++; break;
                case SqsRecordStatus.Replayed: replayed++; break;
                case SqsRecordStatus.Ignored: ignored++; break;
                case SqsRecordStatus.Failed: failed++; break;
                default: notStarted++; break;
            }
        }

        BatchCompleted(logger, batch.Records.Count, batch.IsFifo ? "fifo" : "standard", elapsedMs, succeeded, replayed, ignored, failed, notStarted, responseNotStored, awsRequestId);
    }
}
