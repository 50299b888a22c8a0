using System.Diagnostics;
using Amazon.Lambda.Core;
using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Lambda.Logging;
using IdempotentConsumer.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>
/// Processes a Lambda SQS batch through a <see cref="MessagePipeline{TMessage}"/> (deserialize → idempotency → retry →
/// handler) and answers with an <see cref="SQSBatchResponse"/> listing exactly the records to redeliver.
/// Enable <c>ReportBatchItemFailures</c> on the event source mapping. Thread-safe; build once per function.
/// </summary>
/// <remarks>
/// Every record ends as a success (deleted) or a batch item failure (redelivered); none is lost. A record with no
/// <c>messageId</c> that fails is reported with an empty identifier, which Lambda treats as a failure of the whole batch.
/// </remarks>
/// <typeparam name="TMessage">The handler's message type.</typeparam>
public sealed class SqsBatchProcessor<TMessage>
{
    private const string LogCategory = "IdempotentConsumer.Lambda.Sqs";
    private static readonly TimeSpan LongestScheduledCancel = TimeSpan.FromDays(1);

    private readonly MessagePipeline<TMessage> _pipeline;
    private readonly SqsBatchProcessorOptions _options;
    private readonly IServiceScopeFactory? _scopeFactory;
    private readonly ILogger? _logger;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a processor over a built pipeline.</summary>
    /// <param name="pipeline">
    /// The pipeline; its idempotency step should take keys from <see cref="SqsIdempotencyKeys.ForPipeline{TMessage}"/>
    /// when a record key or envelope key is configured (the builder and DI registration do this).
    /// </param>
    /// <param name="options">Batch options; defaults when null.</param>
    /// <param name="scopeFactory">When set, each record runs in its own service scope (scoped handlers).</param>
    /// <param name="loggerFactory">Where structured entries go; null writes JSON lines to <see cref="ILambdaContext.Logger"/>.</param>
    /// <param name="timeProvider">The clock for the invocation deadline.</param>
    /// <exception cref="IdempotencyConfigurationException">The options are invalid.</exception>
    public SqsBatchProcessor(
        MessagePipeline<TMessage> pipeline,
        SqsBatchProcessorOptions? options = null,
        IServiceScopeFactory? scopeFactory = null,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null)
    {
        _pipeline = pipeline ?? throw new ArgumentNullException(nameof(pipeline));
        _options = options ?? new SqsBatchProcessorOptions();
        _options.Validate();
        _scopeFactory = scopeFactory;
        _logger = loggerFactory?.CreateLogger(LogCategory);
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The options in force.</summary>
    public SqsBatchProcessorOptions Options => _options;

    /// <summary>Processes the batch and returns the response for Lambda.</summary>
    /// <exception cref="SqsBatchProcessingException">Every record failed and <see cref="SqsBatchProcessorOptions.ThrowOnAllFailed"/> is set.</exception>
    public async Task<SQSBatchResponse> ProcessAsync(SQSEvent sqsEvent, ILambdaContext lambdaContext, CancellationToken cancellationToken = default) =>
        (await ProcessBatchAsync(sqsEvent, lambdaContext, cancellationToken).ConfigureAwait(false)).Response;

    /// <summary>Processes the batch and returns each record's fate with the response.</summary>
    /// <exception cref="SqsBatchProcessingException">Every record failed and <see cref="SqsBatchProcessorOptions.ThrowOnAllFailed"/> is set.</exception>
    public async Task<SqsBatchResult> ProcessBatchAsync(SQSEvent sqsEvent, ILambdaContext lambdaContext, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lambdaContext);
        var started = _timeProvider.GetTimestamp();
        var records = sqsEvent?.Records ?? [];
        var logger = _logger ?? new LambdaContextLogger(lambdaContext.Logger, LogCategory, timeProvider: _timeProvider);
        var requestId = lambdaContext.AwsRequestId ?? string.Empty;
        var isFifo = _options.QueueType switch
        {
            SqsQueueType.Fifo => true,
            SqsQueueType.Standard => false,
            _ => records.Exists(r => r is not null && SqsIncomingMessages.IsFromFifoQueue(r)),
        };

        var invocation = new Invocation(lambdaContext, logger, requestId, new InBatchDuplicates());
        using var deadline = CreateDeadline(lambdaContext.RemainingTime);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline?.Token ?? CancellationToken.None);
        var results = new SqsRecordResult?[records.Count];

        if (!isFifo)
        {
            await RunConcurrentlyAsync(records.Count, async i => results[i] = await RunRecordAsync(records[i], invocation, linked.Token).ConfigureAwait(false)).ConfigureAwait(false);
        }
        else if (_options.FifoFailureMode == FifoFailureMode.FailRestOfBatch)
        {
            await RunInOrderAsync(Enumerable.Range(0, records.Count).ToList(), records, results, invocation, SqsRecordFailureReason.PreviousFailureInBatch, linked.Token).ConfigureAwait(false);
        }
        else
        {
            var groups = GroupInOrder(records);
            await RunConcurrentlyAsync(groups.Count, i => RunInOrderAsync(groups[i], records, results, invocation, SqsRecordFailureReason.PreviousFailureInGroup, linked.Token)).ConfigureAwait(false);
        }

        var final = new SqsRecordResult[records.Count];
        for (var i = 0; i < final.Length; i++)
        {
            // Defensive: a slot left empty would be a record silently deleted; report it failed instead.
            final[i] = results[i] ?? new SqsRecordResult(records[i]?.MessageId ?? string.Empty, SqsRecordStatus.NotStarted, SqsRecordFailureReason.TimedOut, null, null, null, null);
        }

        var failures = new List<SQSBatchResponse.BatchItemFailure>();
        foreach (var result in final)
        {
            if (!result.IsSuccess)
            {
                failures.Add(new SQSBatchResponse.BatchItemFailure { ItemIdentifier = result.MessageId });
            }
        }

        var batch = new SqsBatchResult(final, isFifo, new SQSBatchResponse(failures));
        LogSummary(logger, batch, requestId, started);
        if (_options.ThrowOnAllFailed && batch.AllFailed)
        {
            SqsBatchLog.BatchAllFailed(logger, final.Length, requestId);
            throw new SqsBatchProcessingException(batch);
        }

        return batch;
    }

    private async Task RunInOrderAsync(
        IReadOnlyList<int> indices,
        List<SQSEvent.SQSMessage> records,
        SqsRecordResult?[] results,
        Invocation invocation,
        SqsRecordFailureReason propagatedReason,
        CancellationToken cancellationToken)
    {
        var failed = false;
        foreach (var i in indices)
        {
            if (failed)
            {
                results[i] = NotStarted(records[i], propagatedReason, invocation);
                continue;
            }

            var result = await RunRecordAsync(records[i], invocation, cancellationToken).ConfigureAwait(false);
            results[i] = result;
            failed = !result.IsSuccess;
        }
    }

    private async Task RunConcurrentlyAsync(int count, Func<int, Task> body)
    {
        if (count == 0)
        {
            return;
        }

        if (_options.MaxConcurrency == 1 || count == 1)
        {
            for (var i = 0; i < count; i++)
            {
                await body(i).ConfigureAwait(false);
            }

            return;
        }

        // The bodies never throw and check the invocation token themselves, so every index gets a result.
        await Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency },
            async (i, _) => await body(i).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private async Task<SqsRecordResult> RunRecordAsync(SQSEvent.SQSMessage? record, Invocation invocation, CancellationToken cancellationToken)
    {
        var messageId = record?.MessageId ?? string.Empty;
        string? groupId = null;
        try
        {
            if (record is null)
            {
                return Failed(messageId, null, SqsRecordFailureReason.MalformedBody, new MessageDeserializationException("The batch holds a null record."), null, 1, invocation);
            }

            groupId = SqsIncomingMessages.GetMessageGroupId(record);
            if (messageId.Length == 0)
            {
                SqsBatchLog.RecordWithoutMessageId(invocation.Logger, invocation.RequestId);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return NotStarted(record, SqsRecordFailureReason.TimedOut, invocation);
            }

            var lease = invocation.Context.RemainingTime - _options.LeaseSafetyMargin;
            if (lease < _options.MinimumLease)
            {
                return NotStarted(record, SqsRecordFailureReason.LeaseTooShort, invocation);
            }

            Envelopes.SqsEnvelopeContent opened;
            try
            {
                opened = _options.Envelope.Open(record);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var reason = ex is MessageDeserializationException ? SqsRecordFailureReason.MalformedBody : SqsRecordFailureReason.HandlerError;
                return Failed(messageId, groupId, reason, ex, null, SqsIncomingMessages.Create(record).ReceiveCount, invocation);
            }

            if (opened.IsIgnored)
            {
                SqsBatchLog.RecordIgnored(invocation.Logger, messageId, _options.Envelope.Name, opened.IgnoreReason!, invocation.RequestId);
                return new SqsRecordResult(messageId, SqsRecordStatus.Ignored, SqsRecordFailureReason.None, null, null, null, groupId);
            }

            var incoming = SqsIncomingMessages.Create(record, opened.Body);
            var scope = _scopeFactory?.CreateAsyncScope();
            try
            {
                var context = new MessageContext<TMessage>(incoming, scope?.ServiceProvider ?? EmptyServiceProvider.Instance, cancellationToken)
                {
                    LeaseDuration = lease,
                };
                context.Items[LambdaMessageContextExtensions.SqsRecordItem] = record;
                context.Items[LambdaMessageContextExtensions.LambdaContextItem] = invocation.Context;
                context.Items[LambdaMessageContextExtensions.EnvelopeKeyItem] = opened.DefaultKey;
                context.Items[InBatchDuplicateMiddleware<TMessage>.RegistryItem] = invocation.Duplicates;

                var processed = await _pipeline.ProcessAsync(context).ConfigureAwait(false);
                var key = processed.IdempotencyKey ?? (context.Items.TryGetValue(InBatchDuplicateMiddleware<TMessage>.KeyItem, out var batchKey) ? batchKey as string : null);
                if (processed.IsSuccess)
                {
                    return Succeeded(messageId, groupId, processed, key, context.Items.ContainsKey(InBatchDuplicateMiddleware<TMessage>.CopyItem), invocation);
                }

                var error = processed.Error ?? new InvalidOperationException("The pipeline reported a failure without an error.");
                return Failed(messageId, groupId, Classify(error, cancellationToken), error, key, incoming.ReceiveCount, invocation);
            }
            finally
            {
                if (scope is { } s)
                {
                    await s.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex)
        {
            // Whatever went wrong around the pipeline, this record is reported, never dropped.
            return Failed(messageId, groupId, Classify(ex, cancellationToken), ex, null, 1, invocation);
        }
    }

    private static SqsRecordFailureReason Classify(Exception error, CancellationToken invocationToken) => error switch
    {
        IdempotencyAlreadyInProgressException => SqsRecordFailureReason.InProgressElsewhere,
        MessageDeserializationException => SqsRecordFailureReason.MalformedBody,
        IdempotencyKeyMissingException => SqsRecordFailureReason.KeyMissing,
        IdempotencyKeyInvalidException => SqsRecordFailureReason.KeyInvalid,
        IdempotencyValidationException => SqsRecordFailureReason.ValidationMismatch,
        IdempotencyConfigurationException => SqsRecordFailureReason.HandlerError,
        IdempotencyException => SqsRecordFailureReason.StoreError,
        OperationCanceledException when invocationToken.IsCancellationRequested => SqsRecordFailureReason.TimedOut,
        _ => SqsRecordFailureReason.HandlerError,
    };

    private static SqsRecordResult Succeeded(string messageId, string? groupId, MessageProcessingResult processed, string? key, bool isInBatchCopy, Invocation invocation)
    {
        // An in-batch copy took its leader's outcome without running: to the queue it is a duplicate answered.
        var status = processed.Status == MessageProcessingStatus.Replayed || isInBatchCopy ? SqsRecordStatus.Replayed : SqsRecordStatus.Succeeded;
        if (processed.Error is { } notStored)
        {
            // The handler ran and the key is completed; only the response is lost. The record is deleted either way.
            SqsBatchLog.RecordResponseNotStored(invocation.Logger, notStored, messageId, groupId, key, invocation.RequestId);
        }

        return new SqsRecordResult(messageId, status, SqsRecordFailureReason.None, processed.Error, key, processed.Response, groupId);
    }

    private static SqsRecordResult Failed(string messageId, string? groupId, SqsRecordFailureReason reason, Exception error, string? key, int receiveCount, Invocation invocation)
    {
        if (reason == SqsRecordFailureReason.InProgressElsewhere)
        {
            var leaseEnd = (error as IdempotencyAlreadyInProgressException)?.InProgressExpiresAt;
            SqsBatchLog.RecordInProgressElsewhere(invocation.Logger, messageId, reason.ToString(), groupId, receiveCount, key, leaseEnd, invocation.RequestId);
        }
        else
        {
            SqsBatchLog.RecordFailed(invocation.Logger, error, messageId, reason.ToString(), error.GetType().Name, error.Message, groupId, receiveCount, key, invocation.RequestId);
        }

        return new SqsRecordResult(messageId, SqsRecordStatus.Failed, reason, error, key, null, groupId);
    }

    private static SqsRecordResult NotStarted(SQSEvent.SQSMessage? record, SqsRecordFailureReason reason, Invocation invocation)
    {
        var messageId = record?.MessageId ?? string.Empty;
        var groupId = record is null ? null : SqsIncomingMessages.GetMessageGroupId(record);
        var remaining = invocation.Context.RemainingTime;
        SqsBatchLog.RecordNotStarted(invocation.Logger, messageId, reason.ToString(), groupId, (long)remaining.TotalMilliseconds, invocation.RequestId);
        return new SqsRecordResult(messageId, SqsRecordStatus.NotStarted, reason, null, null, null, groupId);
    }

    private static List<List<int>> GroupInOrder(List<SQSEvent.SQSMessage> records)
    {
        var groups = new List<List<int>>();
        var byId = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            // A record without a group (or a null record) joins the "" group: conservative, it keeps order with its peers.
            var id = (records[i] is { } r ? SqsIncomingMessages.GetMessageGroupId(r) : null) ?? string.Empty;
            if (!byId.TryGetValue(id, out var group))
            {
                group = [];
                byId[id] = group;
                groups.Add(group);
            }

            group.Add(i);
        }

        return groups;
    }

    private CancellationTokenSource? CreateDeadline(TimeSpan remaining)
    {
        if (!_options.CancelHandlersAtLeaseEnd)
        {
            return null;
        }

        var until = remaining - _options.LeaseSafetyMargin;
        if (until >= LongestScheduledCancel)
        {
            return null;
        }

        if (until <= TimeSpan.Zero)
        {
            var cancelled = new CancellationTokenSource();
            cancelled.Cancel();
            return cancelled;
        }

        return new CancellationTokenSource(until, _timeProvider);
    }

    private void LogSummary(ILogger logger, SqsBatchResult batch, string requestId, long started)
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

        var elapsed = (long)_timeProvider.GetElapsedTime(started).TotalMilliseconds;
        SqsBatchLog.BatchCompleted(logger, batch.Records.Count, batch.IsFifo ? "fifo" : "standard", elapsed, succeeded, replayed, ignored, failed, notStarted, responseNotStored, requestId);
    }

    private sealed record Invocation(ILambdaContext Context, ILogger Logger, string RequestId, InBatchDuplicates Duplicates);
}
