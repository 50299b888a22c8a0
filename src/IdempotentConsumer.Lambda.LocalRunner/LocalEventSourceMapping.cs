using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Lambda.Core;
using Amazon.Lambda.SQSEvents;
using Amazon.SQS;
using Amazon.SQS.Model;
using IdempotentConsumer.Hosting.Transport;
using IdempotentConsumer.Lambda.LocalRunner.Invokers;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Sqs;
using IdempotentConsumer.Sqs.Transport;
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
/// The queue is reached through <see cref="ISqsTransport"/>: the AWS SDK (<see cref="AwsSqsTransport"/>, which the
/// <see cref="IAmazonSQS"/> constructors wrap), or the in-process queue, so the same runner serves fauxqs, AWS and
/// tests without a network. A delete that fails (an entry error or a thrown transport error) leaves its records
/// counted as retained; the mapping keeps polling.
/// </remarks>
public sealed partial class LocalEventSourceMapping
{
    private readonly ISqsTransport _transport;
    private readonly Func<CancellationToken, Task<string>> _resolveQueueArn;
    private readonly LocalEventSourceMappingOptions _options;
    private readonly ISqsFunctionInvoker _invoker;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ILambdaLogger _functionLogger;
    private string? _queueArn;

    /// <summary>Creates the mapping over an SQS client, wrapped in an <see cref="AwsSqsTransport"/>.</summary>
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
        : this(sqs, options, InvokerFor(function, options, timeProvider), timeProvider, logger, functionLogger)
    {
    }

    /// <summary>Creates the mapping over an SQS client and any transport to the function, e.g. a function process reached through the Runtime API.</summary>
    /// <param name="sqs">The SQS client (pointed at fauxqs or a real queue), wrapped in an <see cref="AwsSqsTransport"/>.</param>
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
        : this(
            new AwsSqsTransport(sqs ?? throw new ArgumentNullException(nameof(sqs))),
            cancellationToken => ReadQueueArnAsync(sqs, options, cancellationToken),
            options,
            invoker,
            timeProvider,
            logger,
            functionLogger)
    {
    }

    /// <summary>Creates the mapping over a queue transport, e.g. the in-process SQS transport.</summary>
    /// <param name="transport">The queue's transport.</param>
    /// <param name="options">Queue and function settings. Without <see cref="LocalEventSourceMappingOptions.QueueArn"/>, the records' ARN is made from the queue URL's last segment and <see cref="LocalEventSourceMappingOptions.AwsRegion"/>.</param>
    /// <param name="function">The function handler; a null response means no failures.</param>
    /// <param name="timeProvider">The clock of the fake context.</param>
    /// <param name="logger">Logs of the mapping itself.</param>
    /// <param name="functionLogger">What the function's <c>context.Logger</c> writes to; standard output by default.</param>
    public LocalEventSourceMapping(
        ISqsTransport transport,
        LocalEventSourceMappingOptions options,
        Func<SQSEvent, ILambdaContext, Task<SQSBatchResponse>> function,
        TimeProvider? timeProvider = null,
        ILogger<LocalEventSourceMapping>? logger = null,
        ILambdaLogger? functionLogger = null)
        : this(transport, options, InvokerFor(function, options, timeProvider), timeProvider, logger, functionLogger)
    {
    }

    /// <summary>Creates the mapping over a queue transport and any transport to the function.</summary>
    /// <param name="transport">The queue's transport.</param>
    /// <param name="options">Queue and function settings.</param>
    /// <param name="invoker">How each batch reaches the function.</param>
    /// <param name="timeProvider">The clock of the fake context.</param>
    /// <param name="logger">Logs of the mapping itself.</param>
    /// <param name="functionLogger">What an in-process function's <c>context.Logger</c> writes to; standard output by default.</param>
    public LocalEventSourceMapping(
        ISqsTransport transport,
        LocalEventSourceMappingOptions options,
        ISqsFunctionInvoker invoker,
        TimeProvider? timeProvider = null,
        ILogger<LocalEventSourceMapping>? logger = null,
        ILambdaLogger? functionLogger = null)
        : this(transport, _ => Task.FromResult(ArnFromQueueUrl(options)), options, invoker, timeProvider, logger, functionLogger)
    {
    }

    private LocalEventSourceMapping(
        ISqsTransport transport,
        Func<CancellationToken, Task<string>> resolveQueueArn,
        LocalEventSourceMappingOptions options,
        ISqsFunctionInvoker invoker,
        TimeProvider? timeProvider,
        ILogger<LocalEventSourceMapping>? logger,
        ILambdaLogger? functionLogger)
    {
        _transport = transport ?? throw new ArgumentNullException(nameof(transport));
        _resolveQueueArn = resolveQueueArn;
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
        var messages = await _transport.ReceiveAsync(
            new SqsReceiveRequest
            {
                QueueUrl = _options.QueueUrl,
                MaxMessages = _options.BatchSize,
                WaitTime = TimeSpan.FromSeconds(_options.WaitTimeSeconds),
                VisibilityTimeout = _options.VisibilityTimeoutSeconds is { } visibility ? TimeSpan.FromSeconds(visibility) : null,
            },
            cancellationToken).ConfigureAwait(false);
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
        var receivedIds = messages.Select(m => m.MessageId).ToList();
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

        var toDelete = messages.Where(m => !failedIds.Contains(m.MessageId)).ToList();
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

    private async Task<HashSet<string>> DeleteAsync(List<SqsTransportMessage> messages, CancellationToken cancellationToken)
    {
        var deleted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in messages.Chunk(10))
        {
            var receipts = chunk.Select((m, i) => new SqsReceipt(i.ToString(CultureInfo.InvariantCulture), m.ReceiptHandle ?? string.Empty)).ToList();
            IReadOnlyList<SqsBatchEntryError> errors;
            try
            {
                errors = await _transport.DeleteBatchAsync(_options.QueueUrl, receipts, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // As the real mapping: a failed delete is not the function's failure; the records come back after their visibility.
                LogDeleteBatchFailed(_logger, ex, chunk.Length);
                continue;
            }

            var failedEntries = errors.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
            for (var i = 0; i < chunk.Length; i++)
            {
                if (failedEntries.Contains(receipts[i].Id))
                {
                    LogDeleteFailed(_logger, chunk[i].MessageId);
                }
                else
                {
                    deleted.Add(chunk[i].MessageId);
                }
            }
        }

        return deleted;
    }

    private async Task<string> GetQueueArnAsync(CancellationToken cancellationToken) =>
        _queueArn ??= await _resolveQueueArn(cancellationToken).ConfigureAwait(false);

    private static async Task<string> ReadQueueArnAsync(IAmazonSQS sqs, LocalEventSourceMappingOptions options, CancellationToken cancellationToken)
    {
        var attributes = await sqs.GetQueueAttributesAsync(
            new GetQueueAttributesRequest { QueueUrl = options.QueueUrl, AttributeNames = ["QueueArn"] },
            cancellationToken).ConfigureAwait(false);
        return attributes.Attributes?.GetValueOrDefault("QueueArn") ?? string.Empty;
    }

    // A queue URL ends in the queue name (and, on SQS, has the account before it); the ARN keeps the .fifo suffix Lambda reads.
    private static string ArnFromQueueUrl(LocalEventSourceMappingOptions options)
    {
        var segments = options.QueueUrl.TrimEnd('/').Split('/');
        var name = segments[^1];
        var account = segments.Length > 1 && segments[^2].Length == 12 && segments[^2].All(char.IsAsciiDigit) ? segments[^2] : "000000000000";
        return $"arn:aws:sqs:{options.AwsRegion}:{account}:{name}";
    }

    private static InProcessSqsFunctionInvoker InvokerFor(Func<SQSEvent, ILambdaContext, Task<SQSBatchResponse>> function, LocalEventSourceMappingOptions options, TimeProvider? timeProvider) =>
        new(function ?? throw new ArgumentNullException(nameof(function)), options?.RoundTripThroughJson ?? true, timeProvider);

    private SQSEvent.SQSMessage ToRecord(SqsTransportMessage message, string queueArn) => new()
    {
        MessageId = message.MessageId,
        ReceiptHandle = message.ReceiptHandle,
        Body = message.Body,
        Md5OfBody = Md5OfBody(message.Body),
        EventSource = "aws:sqs",
        EventSourceArn = queueArn,
        AwsRegion = _options.AwsRegion,
        Attributes = new Dictionary<string, string>(message.Attributes, StringComparer.Ordinal),
        MessageAttributes = message.MessageAttributes.ToDictionary(
            a => a.Key,
            a => new SQSEvent.MessageAttribute
            {
                DataType = a.Value.DataType,
                StringValue = a.Value.StringValue,
                BinaryValue = a.Value.BinaryValue is { } binary ? new MemoryStream(binary.ToArray()) : null,
                StringListValues = [],
                BinaryListValues = [],
            },
            StringComparer.Ordinal),
    };

    // SQS's md5OfBody: the MD5 of the UTF-8 body, a checksum and not a security measure.
#pragma warning disable CA5351
    private static string Md5OfBody(string body) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(body)));
#pragma warning restore CA5351

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Invocation {AwsRequestId} failed as a whole; all {Count} records stay on the queue.")]
    private static partial void LogFunctionFailed(ILogger logger, Exception exception, string awsRequestId, int count);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Invocation {AwsRequestId} reported an unusable itemIdentifier '{ItemIdentifier}'; as Lambda does, the whole batch is treated as failed.")]
    private static partial void LogInvalidIdentifier(ILogger logger, string awsRequestId, string? itemIdentifier);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning, Message = "Deleting message {MessageId} failed; it will be redelivered.")]
    private static partial void LogDeleteFailed(ILogger logger, string? messageId);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning, Message = "Deleting a batch of {Count} messages failed; they will be redelivered.")]
    private static partial void LogDeleteBatchFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Information, Message = "Invocation {AwsRequestId}: {Received} received, {Deleted} deleted, {Retained} left for redelivery.")]
    private static partial void LogCycle(ILogger logger, string awsRequestId, int received, int deleted, int retained);
}
