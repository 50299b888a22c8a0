using Amazon.Lambda.Core;
using Amazon.Lambda.SQSEvents;
using Amazon.SQS;
using Amazon.SQS.Model;
using IdempotentConsumer.Lambda.LocalRunner.Invokers;
using IdempotentConsumer.Lambda.Sqs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace IdempotentConsumer.Lambda.LocalRunner;

/// <summary>
/// Does locally what Lambda's SQS event source mapping does: long-polls the queue, hands each receive to the
/// function as an <see cref="SQSEvent"/> (in Lambda's JSON shape) with a <see cref="LocalLambdaContext"/> whose
/// remaining time counts down from the function timeout, deletes the records the function did not report failed,
/// and leaves the failures to reappear after their visibility timeout.
/// </summary>
/// <remarks>
/// Response rules follow Lambda's: a thrown exception or a timeout retains the whole batch; an empty response
/// deletes it; an item failure with an empty identifier, or one not in the batch, fails the whole batch.
/// </remarks>
public sealed partial class LocalEventSourceMapping
{
    private readonly IAmazonSQS _sqs;
    private readonly LocalEventSourceMappingOptions _options;
    private readonly ISqsFunctionInvoker _invoker;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ILambdaLogger _functionLogger;
    private string? _queueArn;

    /// <summary>Creates the mapping.</summary>
    /// <param name="sqs">The SQS client (pointed at fauxqs or a real queue).</param>
    /// <param name="options">Queue and function settings.</param>
    /// <param name="function">The function handler, e.g. <c>(e, c) =&gt; processor.ProcessAsync(e, c)</c>; a null response means no failures.</param>
    /// <param name="timeProvider">The clock of the fake context.</param>
    /// <param name="logger">Logs of the mapping itself.</param>
    /// <param name="functionLogger">What the function's <c>context.Logger</c> writes to; standard output by default.</param>
    public LocalEventSourceMapping(
        IAmazonSQS sqs,
        LocalEventSourceMappingOptions options,
        Func<SQSEvent, ILambdaContext, Task<SQSBatchResponse>> function,
        TimeProvider? timeProvider = null,
        ILogger<LocalEventSourceMapping>? logger = null,
        ILambdaLogger? functionLogger = null)
        : this(
            sqs,
            options,
            new InProcessSqsFunctionInvoker(function ?? throw new ArgumentNullException(nameof(function)), options?.RoundTripThroughJson ?? true, timeProvider),
            timeProvider,
            logger,
            functionLogger)
    {
    }

    /// <summary>Creates the mapping over any transport to the function, e.g. a function process reached through the Runtime API.</summary>
    /// <param name="sqs">The SQS client (pointed at fauxqs or a real queue).</param>
    /// <param name="options">Queue and function settings.</param>
    /// <param name="invoker">How each batch reaches the function.</param>
    /// <param name="timeProvider">The clock of the fake context.</param>
    /// <param name="logger">Logs of the mapping itself.</param>
    /// <param name="functionLogger">What an in-process function's <c>context.Logger</c> writes to; standard output by default.</param>
    public LocalEventSourceMapping(
        IAmazonSQS sqs,
        LocalEventSourceMappingOptions options,
        ISqsFunctionInvoker invoker,
        TimeProvider? timeProvider = null,
        ILogger<LocalEventSourceMapping>? logger = null,
        ILambdaLogger? functionLogger = null)
    {
        _sqs = sqs ?? throw new ArgumentNullException(nameof(sqs));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _options.Validate();
        _invoker = invoker ?? throw new ArgumentNullException(nameof(invoker));
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _functionLogger = functionLogger ?? new TextWriterLambdaLogger(Console.Out);
        _queueArn = options.QueueArn;
    }

    /// <summary>Polls until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await PollOnceAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Polls until <paramref name="idleReceives"/> receives in a row return nothing; returns every non-idle cycle.</summary>
    public async Task<IReadOnlyList<LocalInvocationResult>> RunUntilIdleAsync(int idleReceives = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(idleReceives, 1);
        var cycles = new List<LocalInvocationResult>();
        var idle = 0;
        while (idle < idleReceives)
        {
            var cycle = await PollOnceAsync(cancellationToken).ConfigureAwait(false);
            if (cycle.WasIdle)
            {
                idle++;
            }
            else
            {
                idle = 0;
                cycles.Add(cycle);
            }
        }

        return cycles;
    }

    /// <summary>One receive (long poll) and, if it returned messages, one invocation and the deletes.</summary>
    public async Task<LocalInvocationResult> PollOnceAsync(CancellationToken cancellationToken = default)
    {
        var queueArn = await GetQueueArnAsync(cancellationToken).ConfigureAwait(false);
        var request = new ReceiveMessageRequest
        {
            QueueUrl = _options.QueueUrl,
            MaxNumberOfMessages = _options.BatchSize,
            WaitTimeSeconds = _options.WaitTimeSeconds,
            MessageSystemAttributeNames = ["All"],
            MessageAttributeNames = ["All"],
        };
        if (_options.VisibilityTimeoutSeconds is { } visibility)
        {
            request.VisibilityTimeout = visibility;
        }

        var received = await _sqs.ReceiveMessageAsync(request, cancellationToken).ConfigureAwait(false);
        var messages = received.Messages ?? [];
        if (messages.Count == 0)
        {
            return new LocalInvocationResult(string.Empty, [], [], [], null, null, null);
        }

        var sqsEvent = new SQSEvent { Records = messages.Select(m => ToRecord(m, queueArn)).ToList() };
        var eventJson = LambdaSqsJson.Serialize(sqsEvent);
        if (_options.RoundTripThroughJson)
        {
            sqsEvent = LambdaSqsJson.DeserializeEvent(eventJson);
        }

        var context = new LocalLambdaContext(_options.FunctionTimeout, _timeProvider, _functionLogger, _options.FunctionName);
        var receivedIds = messages.Select(m => m.MessageId ?? string.Empty).ToList();
        var outcome = await _invoker.InvokeAsync(new SqsFunctionInvocation(sqsEvent, eventJson, context), cancellationToken).ConfigureAwait(false);
        var error = outcome.Error;

        string? responseJson = null;
        HashSet<string> failedIds;
        if (error is not null)
        {
            failedIds = receivedIds.ToHashSet(StringComparer.Ordinal);
            LogFunctionFailed(_logger, error, context.AwsRequestId, messages.Count);
        }
        else
        {
            responseJson = outcome.ResponseJson;
            var parsed = outcome.Response ?? new SQSBatchResponse();
            failedIds = _options.ReportBatchItemFailures ? FailedIds(parsed, receivedIds, context.AwsRequestId) : [];
        }

        var toDelete = messages.Where(m => !failedIds.Contains(m.MessageId ?? string.Empty)).ToList();
        var deleted = await DeleteAsync(toDelete, cancellationToken).ConfigureAwait(false);
        var retained = receivedIds.Where(id => !deleted.Contains(id)).ToList();
        LogCycle(_logger, context.AwsRequestId, messages.Count, deleted.Count, retained.Count);
        return new LocalInvocationResult(context.AwsRequestId, receivedIds, [.. receivedIds.Where(deleted.Contains)], retained, error, eventJson, responseJson);
    }

    private HashSet<string> FailedIds(SQSBatchResponse response, List<string> receivedIds, string requestId)
    {
        var failed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var failure in response.BatchItemFailures ?? [])
        {
            var id = failure?.ItemIdentifier;
            if (string.IsNullOrEmpty(id) || !receivedIds.Contains(id))
            {
                // Lambda's rule: an unusable identifier makes the whole batch a failure.
                LogInvalidIdentifier(_logger, requestId, id);
                return receivedIds.ToHashSet(StringComparer.Ordinal);
            }

            failed.Add(id);
        }

        return failed;
    }

    private async Task<HashSet<string>> DeleteAsync(List<Message> messages, CancellationToken cancellationToken)
    {
        var deleted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in messages.Chunk(10))
        {
            var entries = chunk.Select((m, i) => new DeleteMessageBatchRequestEntry { Id = i.ToString(System.Globalization.CultureInfo.InvariantCulture), ReceiptHandle = m.ReceiptHandle }).ToList();
            var response = await _sqs.DeleteMessageBatchAsync(new DeleteMessageBatchRequest { QueueUrl = _options.QueueUrl, Entries = entries }, cancellationToken).ConfigureAwait(false);
            var failedEntries = (response.Failed ?? []).Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
            for (var i = 0; i < chunk.Length; i++)
            {
                if (failedEntries.Contains(entries[i].Id))
                {
                    LogDeleteFailed(_logger, chunk[i].MessageId);
                }
                else
                {
                    deleted.Add(chunk[i].MessageId ?? string.Empty);
                }
            }
        }

        return deleted;
    }

    private async Task<string> GetQueueArnAsync(CancellationToken cancellationToken)
    {
        if (_queueArn is not null)
        {
            return _queueArn;
        }

        var attributes = await _sqs.GetQueueAttributesAsync(
            new GetQueueAttributesRequest { QueueUrl = _options.QueueUrl, AttributeNames = ["QueueArn"] },
            cancellationToken).ConfigureAwait(false);
        _queueArn = attributes.Attributes?.GetValueOrDefault("QueueArn") ?? string.Empty;
        return _queueArn;
    }

    private SQSEvent.SQSMessage ToRecord(Message message, string queueArn) => new()
    {
        MessageId = message.MessageId,
        ReceiptHandle = message.ReceiptHandle,
        Body = message.Body,
        Md5OfBody = message.MD5OfBody,
        Md5OfMessageAttributes = message.MD5OfMessageAttributes,
        EventSource = "aws:sqs",
        EventSourceArn = queueArn,
        AwsRegion = _options.AwsRegion,
        Attributes = message.Attributes is { } attributes ? new Dictionary<string, string>(attributes, StringComparer.Ordinal) : [],
        MessageAttributes = (message.MessageAttributes ?? []).ToDictionary(
            a => a.Key,
            a => new SQSEvent.MessageAttribute
            {
                DataType = a.Value.DataType,
                StringValue = a.Value.StringValue,
                BinaryValue = a.Value.BinaryValue is { } binary ? new MemoryStream(binary.ToArray()) : null,
                StringListValues = a.Value.StringListValues ?? [],
                BinaryListValues = (a.Value.BinaryListValues ?? []).Select(b => new MemoryStream(b.ToArray())).ToList(),
            },
            StringComparer.Ordinal),
    };

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Invocation {AwsRequestId} failed as a whole; all {Count} records stay on the queue.")]
    private static partial void LogFunctionFailed(ILogger logger, Exception exception, string awsRequestId, int count);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Invocation {AwsRequestId} reported an unusable itemIdentifier '{ItemIdentifier}'; as Lambda does, the whole batch is treated as failed.")]
    private static partial void LogInvalidIdentifier(ILogger logger, string awsRequestId, string? itemIdentifier);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Deleting message {MessageId} failed; it will be redelivered.")]
    private static partial void LogDeleteFailed(ILogger logger, string? messageId);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Information, Message = "Invocation {AwsRequestId}: {Received} received, {Deleted} deleted, {Retained} left for redelivery.")]
    private static partial void LogCycle(ILogger logger, string awsRequestId, int received, int deleted, int retained);
}
