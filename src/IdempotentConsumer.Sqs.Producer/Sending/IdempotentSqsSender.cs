using System.Diagnostics;
using System.Globalization;
using System.Net;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Sqs.Producer.Options;
using IdempotentConsumer.Sqs.Producer.Telemetry;
using IdempotentConsumer.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IdempotentConsumer.Sqs.Producer.Sending;

/// <summary>
/// Sends messages to one SQS queue with the consumer's idempotency key: the key hash goes into the key attribute on every
/// queue, and on a FIFO queue it is also the <c>MessageDeduplicationId</c>, so a re-sent order is dropped by SQS for 5
/// minutes whatever its serialization, and by the consumer's record after that. Sends go out in <c>SendMessageBatch</c>
/// requests; failed entries are retried with backoff and never get new ids. Thread-safe; one per queue and message type.
/// </summary>
/// <typeparam name="TMessage">The message type (<see cref="string"/>: bodies given as JSON text).</typeparam>
public sealed partial class IdempotentSqsSender<TMessage>
{
    private readonly IAmazonSQS _sqs;
    private readonly SqsSenderOptions _options;
    private readonly SqsOutgoingMessageFactory<TMessage> _messages;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates a sender.</summary>
    /// <param name="sqs">The SQS client.</param>
    /// <param name="options">The queue and the consumer's key settings; copied, checked now.</param>
    /// <param name="messageGroupId">The FIFO group of a message (required on a FIFO queue, ignored on a standard one).</param>
    /// <param name="timeProvider">The clock for retry waits; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">Where retries and failures are logged.</param>
    /// <exception cref="IdempotencyConfigurationException">The options are invalid, or a FIFO queue has no group selector.</exception>
    public IdempotentSqsSender(
        IAmazonSQS sqs,
        SqsSenderOptions options,
        Func<TMessage, string?>? messageGroupId = null,
        TimeProvider? timeProvider = null,
        ILogger<IdempotentSqsSender<TMessage>>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(sqs);
        ArgumentNullException.ThrowIfNull(options);
        if (SqsSenderOptionsValidator.Check(options) is { Count: > 0 } errors)
        {
            throw new IdempotencyConfigurationException($"{nameof(SqsSenderOptions)} is invalid: {string.Join(" ", errors)}");
        }

        _sqs = sqs;
        _options = options;
        IsFifo = options.QueueUrl.EndsWith(".fifo", StringComparison.Ordinal);
        _messages = new SqsOutgoingMessageFactory<TMessage>(options, IsFifo, messageGroupId);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The queue this sender sends to.</summary>
    public string QueueUrl => _options.QueueUrl;

    /// <summary>True for a FIFO queue (its URL ends in <c>.fifo</c>).</summary>
    public bool IsFifo { get; }

    /// <summary>Serializes <paramref name="message"/> and fixes its key, deduplication id and group. Nothing is sent.</summary>
    /// <exception cref="SqsSendPayloadException">It does not serialize, is too large, or has no valid group id.</exception>
    /// <exception cref="IdempotencyKeyMissingException">It has no idempotency key.</exception>
    /// <exception cref="IdempotencyKeyInvalidException">Its key material is not valid Unicode.</exception>
    public SqsOutgoingMessage Prepare(TMessage message) => _messages.Create(message);

    /// <summary>As <see cref="Prepare"/> for a body given as JSON text, read as the consumer will read it. Nothing is sent.</summary>
    /// <exception cref="SqsSendPayloadException">The body is not a valid <typeparamref name="TMessage"/>, is too large, or has no valid group id.</exception>
    /// <exception cref="IdempotencyKeyMissingException">It has no idempotency key.</exception>
    /// <exception cref="IdempotencyKeyInvalidException">Its key material is not valid Unicode.</exception>
    public SqsOutgoingMessage PrepareJson(string body) => _messages.PrepareJson(body);

    /// <summary>Sends one message, retrying with the same ids until SQS accepts it or the attempts run out.</summary>
    /// <exception cref="SqsSendPayloadException">It cannot be sent as given (nothing was sent).</exception>
    /// <exception cref="IdempotencyKeyMissingException">It has no idempotency key (nothing was sent).</exception>
    /// <exception cref="SqsSendFailedException">SQS did not accept it; <see cref="SqsSendFailedException.Unsent"/> holds it, ids fixed.</exception>
    public async Task<SqsSentMessage> SendAsync(TMessage message, CancellationToken cancellationToken = default)
    {
        var sent = await SendPreparedAsync([Prepare(message)], cancellationToken).ConfigureAwait(false);
        return sent[0];
    }

    /// <summary>
    /// Prepares every message first (a bad one fails the call before anything is sent), then sends them in batches.
    /// </summary>
    /// <returns>What SQS accepted, in the order given.</returns>
    /// <exception cref="SqsSendPayloadException">A message cannot be sent as given (nothing was sent).</exception>
    /// <exception cref="IdempotencyKeyMissingException">A message has no idempotency key (nothing was sent).</exception>
    /// <exception cref="SqsSendFailedException">Some messages were not accepted; the exception lists what was and what was not.</exception>
    public Task<IReadOnlyList<SqsSentMessage>> SendBatchAsync(IEnumerable<TMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var prepared = messages.Select(Prepare).ToList();
        return SendPreparedAsync(prepared, cancellationToken);
    }

    /// <summary>
    /// Sends prepared messages in <c>SendMessageBatch</c> requests (10 entries, <see cref="SqsSenderOptions.MaxBatchBytes"/>),
    /// retrying failed entries with exponential backoff and the same ids. On a FIFO queue a group's messages are accepted in
    /// the order given: a batch holds one message per group, and a group whose message is given up on sends nothing after it.
    /// </summary>
    /// <returns>What SQS accepted, in the order given.</returns>
    /// <exception cref="SqsSendFailedException">Some messages were not accepted; the exception lists what was and what was not.</exception>
    public async Task<IReadOnlyList<SqsSentMessage>> SendPreparedAsync(IReadOnlyList<SqsOutgoingMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var activity = IdempotencyTelemetry.ActivitySource.StartActivity("sqs.send", ActivityKind.Producer);
        activity?.SetTag("messaging.system", "aws_sqs");
        activity?.SetTag("messaging.destination.name", _options.QueueUrl);
        activity?.SetTag("messaging.batch.message_count", messages.Count);

        var pending = messages.Select((m, i) => new Entry(m, i)).ToList();
        var sent = new SqsSentMessage?[messages.Count];
        var givenUp = new List<Entry>();
        Exception? lastError = null;
        while (pending.Count > 0)
        {
            var batch = SqsBatchPlanner.Next(pending, static e => e.Message, _options.MaxBatchBytes);
            var outcome = await SendBatchAsync(batch, cancellationToken).ConfigureAwait(false);
            lastError = outcome.Error ?? lastError;
            var failures = 0;
            foreach (var entry in batch)
            {
                if (outcome.Accepted.TryGetValue(entry.Index, out var reply))
                {
                    sent[entry.Index] = new SqsSentMessage(entry.Message, reply.MessageId, reply.SequenceNumber, entry.Attempts);
                    pending.Remove(entry);
                    continue;
                }

                var permanent = outcome.Refused.TryGetValue(entry.Index, out var reason);
                if (permanent || entry.Attempts >= _options.MaxAttempts)
                {
                    reason ??= outcome.Transient.GetValueOrDefault(entry.Index) ?? outcome.Error?.Message ?? "not in the reply";
                    LogGivenUp(_logger, entry.Message.IdempotencyKey, entry.Attempts, reason);
                    GiveUp(entry, pending, givenUp);
                    continue;
                }

                entry.Attempts++;
                failures++;
            }

            SqsSenderTelemetry.Retried.Add(failures);
            if (failures > 0)
            {
                var attempt = batch.Where(pending.Contains).Max(static e => e.Attempts);
                var delay = RetryDelay(attempt);
                LogRetrying(_logger, failures, attempt, delay);
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }

        var accepted = sent.Where(static s => s is not null).Select(static s => s!).ToList();
        SqsSenderTelemetry.Sent.Add(accepted.Count);
        if (givenUp.Count == 0)
        {
            return accepted;
        }

        SqsSenderTelemetry.Failed.Add(givenUp.Count);
        activity?.SetStatus(ActivityStatusCode.Error);
        var unsent = givenUp.OrderBy(static e => e.Index).Select(static e => e.Message).ToList();
        throw new SqsSendFailedException(
            $"{unsent.Count} of {messages.Count} messages were not accepted by '{_options.QueueUrl}'; re-send them with SendPreparedAsync to keep their ids.",
            accepted,
            unsent,
            lastError);
    }

    // On a FIFO queue the group's later messages are given up with it: sending them would overtake it.
    private void GiveUp(Entry entry, List<Entry> pending, List<Entry> givenUp)
    {
        pending.Remove(entry);
        givenUp.Add(entry);
        if (entry.Message.MessageGroupId is not { } group)
        {
            return;
        }

        foreach (var later in pending.Where(e => e.Index > entry.Index && string.Equals(e.Message.MessageGroupId, group, StringComparison.Ordinal)).ToList())
        {
            pending.Remove(later);
            givenUp.Add(later);
        }
    }

    private async Task<BatchOutcome> SendBatchAsync(List<Entry> batch, CancellationToken cancellationToken)
    {
        var request = new SendMessageBatchRequest
        {
            QueueUrl = _options.QueueUrl,
            Entries = batch.Select(ToEntry).ToList(),
        };

        var outcome = new BatchOutcome();
        SendMessageBatchResponse response;
        try
        {
            response = await _sqs.SendMessageBatchAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (IsRetryable(ex))
        {
            // No reply: the batch may or may not have landed. Every entry is sent again with the same ids.
            outcome.Error = ex;
            return outcome;
        }
        catch (AmazonServiceException ex)
        {
            outcome.Error = ex;
            foreach (var entry in batch)
            {
                outcome.Refused[entry.Index] = $"{ex.ErrorCode}: {ex.Message}";
            }

            return outcome;
        }

        foreach (var ok in response.Successful ?? [])
        {
            outcome.Accepted[int.Parse(ok.Id, CultureInfo.InvariantCulture)] = (ok.MessageId, ok.SequenceNumber);
        }

        foreach (var failed in response.Failed ?? [])
        {
            var failures = failed.SenderFault == true ? outcome.Refused : outcome.Transient;
            failures[int.Parse(failed.Id, CultureInfo.InvariantCulture)] = $"{failed.Code}: {failed.Message}";
        }

        return outcome;
    }

    private SendMessageBatchRequestEntry ToEntry(Entry entry) => new()
    {
        // The entry id only pairs results with entries within one request; the position in the call is unique.
        Id = entry.Index.ToString(CultureInfo.InvariantCulture),
        MessageBody = entry.Message.Body,
        MessageDeduplicationId = entry.Message.DeduplicationId,
        MessageGroupId = entry.Message.MessageGroupId,
        MessageAttributes = new Dictionary<string, MessageAttributeValue>(StringComparer.Ordinal)
        {
            [_options.KeyAttributeName] = new() { DataType = _messages.KeyAttributeDataType, StringValue = entry.Message.KeyHash },
        },
    };

    private static bool IsRetryable(Exception ex) => ex switch
    {
        AmazonServiceException service => service.ErrorType != ErrorType.Sender
            || service.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout
            || service.ErrorCode is "ThrottlingException" or "RequestThrottled" or "KmsThrottled",
        AmazonClientException or HttpRequestException or IOException or TimeoutException or OperationCanceledException => true,
        _ => false,
    };

    private TimeSpan RetryDelay(int attempt)
    {
        var exponential = _options.InitialRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 2));
        var delay = Math.Min(exponential, _options.MaxRetryDelay.TotalMilliseconds);
        if (_options.UseJitter)
        {
            delay *= 0.5 + (Random.Shared.NextDouble() / 2);
        }

        return TimeSpan.FromMilliseconds(delay);
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Warning, Message = "{Failures} SQS sends failed (attempt {Attempt} next); retrying with the same ids in {Delay}.")]
    private static partial void LogRetrying(ILogger logger, int failures, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Gave up sending the message with key {Key} after {Attempts} attempts: {Reason}.")]
    private static partial void LogGivenUp(ILogger logger, string key, int attempts, string reason);

    private sealed class Entry(SqsOutgoingMessage message, int index)
    {
        public SqsOutgoingMessage Message { get; } = message;

        public int Index { get; } = index;

        public int Attempts { get; set; } = 1;
    }

    private sealed class BatchOutcome
    {
        public Dictionary<int, (string MessageId, string? SequenceNumber)> Accepted { get; } = [];

        /// <summary>Entries SQS refused as the sender's fault: never retried.</summary>
        public Dictionary<int, string> Refused { get; } = [];

        /// <summary>Entries that failed on SQS's side: retried.</summary>
        public Dictionary<int, string> Transient { get; } = [];

        public Exception? Error { get; set; }
    }
}
