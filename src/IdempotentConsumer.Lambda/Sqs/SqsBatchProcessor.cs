using Amazon.Lambda.Core;
using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Consumers;
using IdempotentConsumer.Lambda.Logging;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Records;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>
/// Processes a Lambda SQS batch and answers with an <see cref="SQSBatchResponse"/> listing exactly the records to
/// redeliver: every record whose disposition is not acknowledged. Enable <c>ReportBatchItemFailures</c> on the event
/// source mapping. Built by <see cref="SqsBatchProcessorBuilder{TMessage}"/> (or its DI registration); thread-safe,
/// build once per function.
/// </summary>
/// <remarks>
/// Every record ends as a success (deleted) or a batch item failure (redelivered); none is lost. A record with no
/// <c>messageId</c> that fails is reported with an empty identifier, which Lambda treats as a failure of the whole batch.
/// </remarks>
/// <typeparam name="TMessage">The handler's message type.</typeparam>
public sealed class SqsBatchProcessor<TMessage>
{
    private const string LogCategory = "IdempotentConsumer.Lambda.Sqs";

    private readonly SqsBatchProcessorOptions _options;
    private readonly SqsBatchScheduler _scheduler;
    private readonly SqsRecordProcessor<TMessage> _records;
    private readonly ILogger? _logger;
    private readonly TimeProvider _timeProvider;

    internal SqsBatchProcessor(ConsumerPipeline<TMessage> consumer, SqsBatchProcessorOptions options, IServiceProvider services, ILoggerFactory? loggerFactory, TimeProvider timeProvider)
    {
        _options = options;
        Consumer = consumer;
        _timeProvider = timeProvider;
        _logger = loggerFactory?.CreateLogger(LogCategory);
        _scheduler = new SqsBatchScheduler(options, timeProvider);
        _records = new SqsRecordProcessor<TMessage>(consumer.Pipeline, options, services);
    }

    /// <summary>A copy of the batch options this processor captured when it was built.</summary>
    public SqsBatchProcessorOptions Options => _options.Clone();

    /// <summary>A copy of the idempotency options this processor captured when it was built (key prefix, expiry, …).</summary>
    public IdempotencyOptions IdempotencyOptions => Consumer.Idempotency.Clone();

    internal ConsumerPipeline<TMessage> Consumer { get; }

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
        var logger = _logger ?? new LambdaContextLogger(lambdaContext.Logger, LogCategory, timeProvider: _timeProvider);
        var invocation = new SqsInvocation(lambdaContext, logger, lambdaContext.AwsRequestId ?? string.Empty);
        var messages = (sqsEvent?.Records ?? [])
            .Select(record => record is null ? null : LambdaSqsTransportMessage.From(record, lambdaContext, invocation.Duplicates))
            .ToArray();

        var (opened, prechecked) = await PrecheckAsync(messages, cancellationToken).ConfigureAwait(false);
        var isFifo = _scheduler.IsFifo(messages);
        var results = await _scheduler.RunAsync(
            messages,
            isFifo,
            lambdaContext.RemainingTime,
            (i, token) => _records.RunAsync(messages[i], opened?[i], prechecked?[i], invocation, token),
            (message, reason) => SqsRecordResults.NotStarted(message, reason, invocation),
            cancellationToken).ConfigureAwait(false);

        var failures = results
            .Where(result => !result.IsSuccess)
            .Select(result => new SQSBatchResponse.BatchItemFailure { ItemIdentifier = result.MessageId })
            .ToList();
        var batch = new SqsBatchResult(results, isFifo, new SQSBatchResponse(failures));
        SqsBatchLog.Summary(logger, batch, (long)_timeProvider.GetElapsedTime(started).TotalMilliseconds, invocation.RequestId);
        if (_options.ThrowOnAllFailed && batch.AllFailed)
        {
            SqsBatchLog.BatchAllFailed(logger, results.Length, invocation.RequestId);
            throw new SqsBatchProcessingException(batch);
        }

        return batch;
    }

    // Opens the envelopes once, ahead of the batch, and reads the keys of completed duplicates in one call when the
    // consumer's pre-check decides it pays; the records then run with what was read.
    private async ValueTask<(OpenedRecord?[]? Opened, IReadOnlyList<IdempotencyRecord?>? Prechecked)> PrecheckAsync(
        LambdaSqsTransportMessage?[] messages, CancellationToken cancellationToken)
    {
        if (Consumer.Precheck is not { } precheck || messages.Length == 0)
        {
            return (null, null);
        }

        var opened = new OpenedRecord?[messages.Length];
        var incoming = new IncomingMessage?[messages.Length];
        for (var i = 0; i < messages.Length; i++)
        {
            if (messages[i] is { } message)
            {
                opened[i] = _records.Open(message);
                incoming[i] = opened[i]!.Incoming;
            }
        }

        return (opened, await precheck.ReadAsync(incoming, cancellationToken).ConfigureAwait(false));
    }
}
