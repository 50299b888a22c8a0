using System.Collections.Concurrent;
using System.Globalization;
using IdempotentConsumer.InProcess.Internal;
using IdempotentConsumer.Sqs;
using IdempotentConsumer.Sqs.Transport;

namespace IdempotentConsumer.InProcess;

/// <summary>
/// <see cref="ISqsTransport"/> over <see cref="InProcessQueue"/>s: named queues addressed by <c>inprocess://queues/{name}</c>
/// URLs, with SQS's visibility timeouts, receive counts, FIFO groups and deduplication, redrive to a dead-letter queue,
/// long polling, typed (binary included) message attributes, and injectable transport faults (<see cref="Faults"/>).
/// The hosted worker and the local Lambda runner run over it unchanged, so demos and tests exercise the deployed code path.
/// </summary>
/// <remarks>
/// Where it differs from SQS, on purpose: a delete with a receipt that no longer acts on its message (the message was
/// received again since) fails with <c>ReceiptHandleIsInvalid</c> instead of being silently accepted, so a consumer's
/// stale delete is visible; a FIFO group hands out one message at a time (at most one in flight per group);
/// <see cref="SqsReceiveRequest.ReceiveRequestAttemptId"/> is ignored, as no receive reply is ever lost here;
/// times below a second are kept as given (SQS rounds to seconds), so tests can run on short timeouts.
/// </remarks>
public sealed class InProcessSqsTransport : ISqsTransport
{
    /// <summary>The prefix of every queue URL this transport hands out.</summary>
    public const string QueueUrlPrefix = "inprocess://queues/";

    private const string FifoSuffix = ".fifo";
    private const int MaxBatchEntries = 10;
    private static readonly TimeSpan MaxWaitTime = TimeSpan.FromSeconds(20);

    private readonly ConcurrentDictionary<string, InProcessQueue> _queues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _abandonedReceipts = new(StringComparer.Ordinal);
    private readonly Lock _createLock = new();
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly Lock _randomLock = new();
    private long _lostDeleteRequests;
    private long _lostDeleteReplies;
    private long _droppedAbandonedCalls;

    /// <summary>Creates a transport with no queues.</summary>
    /// <param name="timeProvider">The clock of visibility timeouts, long polls and deduplication; default the system clock.</param>
    /// <param name="faultSeed">Seeds the rolls of <see cref="Faults"/>, so a run can be repeated; null for unseeded.</param>
    public InProcessSqsTransport(TimeProvider? timeProvider = null, int? faultSeed = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _random = faultSeed is { } seed ? new Random(seed) : new Random();
    }

    /// <summary>The transport faults to inject; all off by default. Changes apply to the next call.</summary>
    public InProcessSqsFaults Faults { get; } = new();

    /// <summary><c>DeleteMessageBatch</c> calls failed by <see cref="InProcessSqsFaults.LostDeleteRequestRate"/> (nothing deleted).</summary>
    public long LostDeleteRequests => Interlocked.Read(ref _lostDeleteRequests);

    /// <summary><c>DeleteMessageBatch</c> calls failed by <see cref="InProcessSqsFaults.LostDeleteReplyRate"/> (deleted, reply lost).</summary>
    public long LostDeleteReplies => Interlocked.Read(ref _lostDeleteReplies);

    /// <summary>Deletes and visibility changes dropped because their receipt was abandoned (<see cref="AbandonReceipt(string)"/>).</summary>
    public long DroppedAbandonedCalls => Interlocked.Read(ref _droppedAbandonedCalls);

    /// <summary>
    /// Plays the crash of the consumer holding <paramref name="receiptHandle"/>: from now on, deletes and visibility
    /// changes made with it never reach the queue, and the caller is not told (a dead process hears nothing). The
    /// message stays hidden until its visibility timeout runs out and is then received again, as after a real crash.
    /// </summary>
    /// <param name="receiptHandle">The receipt of the receive whose consumer "died".</param>
    public void AbandonReceipt(string receiptHandle)
    {
        ArgumentException.ThrowIfNullOrEmpty(receiptHandle);
        _abandonedReceipts.TryAdd(receiptHandle, 0);
    }

    /// <summary>Creates a queue (SQS <c>CreateQueue</c>).</summary>
    /// <param name="name">1 to 80 letters, digits, <c>-</c> and <c>_</c>; a FIFO queue's name ends in <c>.fifo</c>.</param>
    /// <param name="options">The queue's attributes; null for a standard queue with SQS's defaults.</param>
    /// <returns>The queue URL, <c>inprocess://queues/{name}</c>.</returns>
    /// <exception cref="ArgumentException">The name or the options are invalid, or the redrive policy names no queue of the same kind.</exception>
    /// <exception cref="InvalidOperationException">A queue of that name exists already.</exception>
    public string CreateQueue(string name, InProcessSqsQueueOptions? options = null)
    {
        options ??= new InProcessSqsQueueOptions();
        ValidateName(name, options.Fifo);
        InProcessQueue? deadLetterQueue = null;
        if (options.RedrivePolicy is { } redrive)
        {
            deadLetterQueue = _queues.GetValueOrDefault(redrive.DeadLetterQueueUrl)
                ?? throw new ArgumentException($"The redrive policy names '{redrive.DeadLetterQueueUrl}', which is not a queue of this transport; create the dead-letter queue first.", nameof(options));
        }

        var queue = new InProcessQueue(
            new InProcessQueueOptions
            {
                Name = name,
                Fifo = options.Fifo,
                ContentBasedDeduplication = options.ContentBasedDeduplication,
                DeduplicationInterval = options.DeduplicationInterval,
                VisibilityTimeout = options.VisibilityTimeout,
                MaxReceiveCount = options.RedrivePolicy?.MaxReceiveCount,
                DeadLetterQueue = deadLetterQueue,
                DuplicateDeliveryProbability = options.DuplicateDeliveryProbability,
                RandomSeed = options.RandomSeed,
                MaxMessagesPerGroupPerReceive = 1,
            },
            _time);

        var url = QueueUrlPrefix + name;
        lock (_createLock)
        {
            if (!_queues.TryAdd(url, queue))
            {
                throw new InvalidOperationException($"Queue '{name}' exists already.");
            }
        }

        return url;
    }

    /// <summary>The URL of a queue created earlier (SQS <c>GetQueueUrl</c>).</summary>
    /// <exception cref="InvalidOperationException">There is no queue of that name.</exception>
    public string GetQueueUrl(string name)
    {
        var url = QueueUrlPrefix + name;
        return _queues.ContainsKey(url) ? url : throw new InvalidOperationException($"There is no queue named '{name}'.");
    }

    /// <summary>The in-process queue behind <paramref name="queueUrl"/>, for its counters and for sends with its own API.</summary>
    /// <exception cref="InvalidOperationException">No queue has that URL.</exception>
    public InProcessQueue GetQueue(string queueUrl) =>
        _queues.GetValueOrDefault(queueUrl) ?? throw new InvalidOperationException($"There is no queue at '{queueUrl}'.");

    /// <summary>
    /// The queue's counters: sent, received (<see cref="InProcessQueueStatistics.Delivered"/>), redelivered, deleted,
    /// dead-lettered, stale receipts, and how many messages are visible and in flight now.
    /// </summary>
    public InProcessQueueStatistics GetStatistics(string queueUrl) => GetQueue(queueUrl).Statistics;

    /// <summary>Completes when the queue holds no message, neither visible nor in flight (deleted or dead-lettered, all of them).</summary>
    /// <param name="queueUrl">The queue.</param>
    /// <param name="cancellationToken">Ends the wait with an <see cref="OperationCanceledException"/>.</param>
    public Task WaitUntilDrainedAsync(string queueUrl, CancellationToken cancellationToken) =>
        GetQueue(queueUrl).WaitUntilEmptyAsync(cancellationToken);

    /// <summary>Sends one message (SQS <c>SendMessage</c>).</summary>
    /// <param name="queueUrl">The queue.</param>
    /// <param name="body">The body.</param>
    /// <param name="messageAttributes">Message attributes (string, number, binary), copied; at most 10.</param>
    /// <param name="messageGroupId">The message group; required on a FIFO queue.</param>
    /// <param name="messageDeduplicationId">FIFO only: sends repeating an id within 5 minutes are accepted and dropped. Required unless the queue deduplicates by content.</param>
    /// <param name="cancellationToken">Cancels before the send.</param>
    /// <returns>The message id; for a deduplicated send, the id of the message first sent with that deduplication id.</returns>
    public ValueTask<string> SendAsync(
        string queueUrl,
        string body,
        IReadOnlyDictionary<string, SqsMessageAttribute>? messageAttributes = null,
        string? messageGroupId = null,
        string? messageDeduplicationId = null,
        CancellationToken cancellationToken = default) =>
        GetQueue(queueUrl).SendWithAttributesAsync(body, messageAttributes, messageGroupId, messageDeduplicationId, cancellationToken);

    /// <summary>Sends up to 10 messages in order (SQS <c>SendMessageBatch</c>).</summary>
    /// <param name="queueUrl">The queue.</param>
    /// <param name="entries">1 to 10 messages.</param>
    /// <param name="cancellationToken">Cancels before the next send.</param>
    /// <returns>The message ids, in the order of <paramref name="entries"/>.</returns>
    /// <exception cref="ArgumentException">An entry is invalid; the entries before it were sent.</exception>
    public async ValueTask<IReadOnlyList<string>> SendBatchAsync(string queueUrl, IReadOnlyList<InProcessSqsSendEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        CheckBatchSize(entries.Count, nameof(entries));
        var queue = GetQueue(queueUrl);
        var ids = new string[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            ids[i] = await queue.SendWithAttributesAsync(entry.Body, entry.MessageAttributes, entry.MessageGroupId, entry.MessageDeduplicationId, cancellationToken)
                .ConfigureAwait(false);
        }

        return ids;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SqsTransportMessage>> ReceiveAsync(SqsReceiveRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.WaitTime < TimeSpan.Zero || request.WaitTime > MaxWaitTime)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.WaitTime, "A receive waits 0 to 20 seconds.");
        }

        var queue = GetQueue(request.QueueUrl);
        var messages = await queue.ReceiveAsync(request.MaxMessages, request.WaitTime, request.VisibilityTimeout, cancellationToken).ConfigureAwait(false);
        if (messages.Count == 0)
        {
            return [];
        }

        var received = new SqsTransportMessage[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            received[i] = ToTransportMessage(messages[i], request.QueueUrl);
        }

        return received;
    }

    /// <inheritdoc />
    /// <exception cref="InProcessSqsFaultException">An injected fault (<see cref="Faults"/>): the batch was lost before or after it took effect.</exception>
    public ValueTask<IReadOnlyList<SqsBatchEntryError>> DeleteBatchAsync(string queueUrl, IReadOnlyList<SqsReceipt> receipts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipts);
        CheckBatchSize(receipts.Count, nameof(receipts));
        CheckDistinctIds(receipts);
        cancellationToken.ThrowIfCancellationRequested();
        var queue = GetQueue(queueUrl);
        if (Roll(Faults.LostDeleteRequestRate))
        {
            Interlocked.Increment(ref _lostDeleteRequests);
            throw new InProcessSqsFaultException("DeleteMessageBatch", landed: false);
        }

        List<SqsBatchEntryError>? failed = null;
        foreach (var receipt in receipts)
        {
            if (IsAbandoned(receipt.ReceiptHandle))
            {
                continue;
            }

            if (queue.Delete(receipt.ReceiptHandle) == DeleteOutcome.Stale)
            {
                (failed ??= []).Add(new SqsBatchEntryError(
                    receipt.Id,
                    "ReceiptHandleIsInvalid",
                    "The receipt handle no longer acts on its message: the message was received again since, or never existed.",
                    SenderFault: true));
            }
        }

        if (Roll(Faults.LostDeleteReplyRate))
        {
            Interlocked.Increment(ref _lostDeleteReplies);
            throw new InProcessSqsFaultException("DeleteMessageBatch", landed: true);
        }

        return ValueTask.FromResult<IReadOnlyList<SqsBatchEntryError>>(failed is null ? [] : failed);
    }

    /// <inheritdoc />
    public async ValueTask ChangeVisibilityAsync(string queueUrl, string receiptHandle, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        if (!_queues.TryGetValue(queueUrl, out var queue))
        {
            throw new SqsMessageLostException($"There is no queue at '{queueUrl}'.");
        }

        if (IsAbandoned(receiptHandle))
        {
            return;
        }

        if (!await queue.ChangeVisibilityAsync(receiptHandle, visibilityTimeout, cancellationToken).ConfigureAwait(false))
        {
            throw new SqsMessageLostException("The receipt handle no longer names an in-flight message: it was deleted, or its visibility ran out.");
        }
    }

    /// <inheritdoc />
    public ValueTask<SqsQueueAttributes> GetQueueAttributesAsync(string queueUrl, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var queue = GetQueue(queueUrl);
        return ValueTask.FromResult(new SqsQueueAttributes(queue.VisibilityTimeout, queue.MaxReceiveCount, queue.IsFifo));
    }

    private static SqsTransportMessage ToTransportMessage(InProcessMessage message, string queueUrl)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [SqsSystemAttributes.ApproximateReceiveCount] = message.ApproximateReceiveCount.ToString(CultureInfo.InvariantCulture),
            [SqsSystemAttributes.SentTimestamp] = message.SentTimestamp.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            ["ApproximateFirstReceiveTimestamp"] = message.ApproximateFirstReceiveTimestamp.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        };
        if (message.MessageGroupId is { } group)
        {
            attributes[SqsSystemAttributes.MessageGroupId] = group;
        }

        if (message.MessageDeduplicationId is { } deduplicationId)
        {
            attributes[SqsSystemAttributes.MessageDeduplicationId] = deduplicationId;
        }

        if (message.SequenceNumber is { } sequenceNumber)
        {
            attributes[SqsSystemAttributes.SequenceNumber] = sequenceNumber;
        }

        return new SqsTransportMessage
        {
            MessageId = message.MessageId,
            ReceiptHandle = message.ReceiptHandle,
            Body = message.Body,
            Attributes = attributes,
            MessageAttributes = message.MessageAttributes,
            QueueArnOrUrl = queueUrl,
        };
    }

    private bool IsAbandoned(string receiptHandle)
    {
        if (_abandonedReceipts.IsEmpty || !_abandonedReceipts.ContainsKey(receiptHandle))
        {
            return false;
        }

        Interlocked.Increment(ref _droppedAbandonedCalls);
        return true;
    }

    private bool Roll(double rate)
    {
        if (rate <= 0)
        {
            return false;
        }

        lock (_randomLock)
        {
            return _random.NextDouble() < rate;
        }
    }

    private static void ValidateName(string name, bool fifo)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var isFifoName = name.EndsWith(FifoSuffix, StringComparison.Ordinal);
        if (isFifoName != fifo)
        {
            throw new ArgumentException(fifo
                ? $"A FIFO queue's name ends in '{FifoSuffix}'; '{name}' does not."
                : $"'{name}' ends in '{FifoSuffix}', which only a FIFO queue's name may.", nameof(name));
        }

        var stem = isFifoName ? name[..^FifoSuffix.Length] : name;
        if (name.Length > 80 || stem.Length == 0 || !stem.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException($"Queue name '{name}' is not 1 to 80 letters, digits, '-' and '_' (plus '{FifoSuffix}' for FIFO).", nameof(name));
        }
    }

    private static void CheckBatchSize(int count, string parameterName)
    {
        if (count is < 1 or > MaxBatchEntries)
        {
            throw new ArgumentException($"A batch has 1 to {MaxBatchEntries} entries; got {count}.", parameterName);
        }
    }

    private static void CheckDistinctIds(IReadOnlyList<SqsReceipt> receipts)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var receipt in receipts)
        {
            ArgumentNullException.ThrowIfNull(receipt, nameof(receipts));
            if (!ids.Add(receipt.Id))
            {
                throw new ArgumentException($"Batch entry id '{receipt.Id}' is used twice (SQS BatchEntryIdsNotDistinct).", nameof(receipts));
            }
        }
    }
}
