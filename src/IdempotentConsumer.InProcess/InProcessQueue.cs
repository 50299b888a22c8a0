using System.Globalization;
using IdempotentConsumer.InProcess.Internal;
using IdempotentConsumer.Sqs;

namespace IdempotentConsumer.InProcess;

/// <summary>
/// A thread-safe queue in process memory with Amazon SQS's delivery semantics, for demos and for tests of
/// consumers: at-least-once delivery, a visibility timeout after which an undeleted message is delivered
/// again with its receive count raised, receipt handles that go stale on redelivery, long polling, FIFO
/// groups with deduplication, a redrive policy to a dead-letter queue, and optional injected duplicates.
/// </summary>
/// <remarks>
/// Every time comes from the <see cref="TimeProvider"/> given at construction, so tests can drive
/// visibility timeouts, long polls and deduplication windows with a fake clock.
/// </remarks>
public sealed class InProcessQueue
{
    private static readonly TimeSpan MaxVisibilityTimeout = TimeSpan.FromHours(12);
    private readonly InProcessQueueOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly LinkedList<QueuedMessage> _messages = new();
    private readonly Dictionary<string, QueuedMessage> _byReceiptHandle = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string MessageId, DateTimeOffset Until)> _deduplication = new(StringComparer.Ordinal);
    private readonly DeletedReceipts _deletedReceipts = new();
    private readonly ChangeSignal _changed = new();
    private readonly Random _random;
    private long _sequence;
    private long _sent;
    private long _deduplicatedSends;
    private long _duplicatesInjected;
    private long _delivered;
    private long _redelivered;
    private long _deleted;
    private long _deadLettered;
    private long _staleReceiptHandles;

    /// <summary>Creates an empty queue.</summary>
    /// <param name="options">The queue's settings; null for a standard queue with SQS's defaults.</param>
    /// <param name="timeProvider">The clock for visibility, long polling and deduplication. Default: the system clock.</param>
    /// <exception cref="ArgumentException">The options are inconsistent (see the message).</exception>
    public InProcessQueue(InProcessQueueOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new InProcessQueueOptions();
        Validate(_options);
        _time = timeProvider ?? TimeProvider.System;
        _random = _options.RandomSeed is { } seed ? new Random(seed) : new Random();
    }

    /// <summary>The queue's name.</summary>
    public string Name => _options.Name;

    /// <summary>How long a received message stays hidden by default.</summary>
    public TimeSpan VisibilityTimeout => _options.VisibilityTimeout;

    /// <summary>After how many receives a message goes to the dead-letter queue instead; null: never.</summary>
    public int? MaxReceiveCount => _options.DeadLetterQueue is null ? null : _options.MaxReceiveCount;

    /// <summary>True for a FIFO queue.</summary>
    public bool IsFifo => _options.Fifo;

    /// <summary>The dead-letter queue of the redrive policy, if any.</summary>
    public InProcessQueue? DeadLetterQueue => _options.DeadLetterQueue;

    /// <summary>A consistent snapshot of the counters.</summary>
    public InProcessQueueStatistics Statistics
    {
        get
        {
            lock (_lock)
            {
                var now = _time.GetUtcNow();
                var inFlight = _messages.Count(message => message.IsInFlight(now));
                return new InProcessQueueStatistics
                {
                    Sent = _sent,
                    DeduplicatedSends = _deduplicatedSends,
                    DuplicatesInjected = _duplicatesInjected,
                    Delivered = _delivered,
                    Redelivered = _redelivered,
                    Deleted = _deleted,
                    DeadLettered = _deadLettered,
                    StaleReceiptHandles = _staleReceiptHandles,
                    InFlight = inFlight,
                    Visible = _messages.Count - inFlight,
                };
            }
        }
    }

    /// <summary>Sends one message (SQS <c>SendMessage</c>).</summary>
    /// <param name="body">The body; any text.</param>
    /// <param name="attributes">Message attributes, copied.</param>
    /// <param name="groupId">The message group; required on a FIFO queue.</param>
    /// <param name="deduplicationId">FIFO only: sends with an id seen within the deduplication interval are accepted but not stored. Required unless content-based deduplication is on.</param>
    /// <param name="cancellationToken">Cancels before the send.</param>
    /// <returns>The message id; for a deduplicated send, the id of the message first sent with that deduplication id.</returns>
    /// <exception cref="ArgumentException">A FIFO send lacks a group or deduplication id, or a standard queue got a deduplication id.</exception>
    public ValueTask<string> SendAsync(
        string body,
        IReadOnlyDictionary<string, string>? attributes = null,
        string? groupId = null,
        string? deduplicationId = null,
        CancellationToken cancellationToken = default) =>
        Send(body, MessageAttributeCopy.FromStrings(attributes), groupId, deduplicationId, cancellationToken);

    /// <summary>Sends one message with typed SQS message attributes (string, number and binary); the SQS transport's send.</summary>
    internal ValueTask<string> SendWithAttributesAsync(
        string body,
        IReadOnlyDictionary<string, SqsMessageAttribute>? messageAttributes,
        string? groupId,
        string? deduplicationId,
        CancellationToken cancellationToken) =>
        Send(body, MessageAttributeCopy.FromTyped(messageAttributes), groupId, deduplicationId, cancellationToken);

    private ValueTask<string> Send(
        string body,
        MessageAttributeCopy attributes,
        string? groupId,
        string? deduplicationId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        cancellationToken.ThrowIfCancellationRequested();
        if (_options.Fifo)
        {
            if (string.IsNullOrEmpty(groupId))
            {
                throw new ArgumentException($"FIFO queue '{Name}' needs a message group id on every send.", nameof(groupId));
            }

            if (string.IsNullOrEmpty(deduplicationId) && !_options.ContentBasedDeduplication)
            {
                throw new ArgumentException(
                    $"FIFO queue '{Name}' needs a deduplication id on every send unless content-based deduplication is on.",
                    nameof(deduplicationId));
            }
        }
        else if (deduplicationId is not null)
        {
            throw new ArgumentException($"Standard queue '{Name}' does not take a deduplication id.", nameof(deduplicationId));
        }

        lock (_lock)
        {
            var now = _time.GetUtcNow();
            string? effectiveDeduplicationId = null;
            if (_options.Fifo)
            {
                effectiveDeduplicationId = string.IsNullOrEmpty(deduplicationId) ? ContentDeduplication.IdFor(body) : deduplicationId;
                ForgetExpiredDeduplicationIds(now);
                if (_deduplication.TryGetValue(effectiveDeduplicationId, out var earlier))
                {
                    _deduplicatedSends++;
                    return ValueTask.FromResult(earlier.MessageId);
                }
            }

            var messageId = Guid.NewGuid().ToString();
            var sequenceNumber = _options.Fifo
                ? (++_sequence).ToString("D20", CultureInfo.InvariantCulture)
                : null;
            Append(new QueuedMessage(messageId, body, attributes, groupId, effectiveDeduplicationId, sequenceNumber, now));
            _sent++;
            if (effectiveDeduplicationId is not null)
            {
                _deduplication[effectiveDeduplicationId] = (messageId, now + _options.DeduplicationInterval);
            }

            if (!_options.Fifo && _options.DuplicateDeliveryProbability > 0 && _random.NextDouble() < _options.DuplicateDeliveryProbability)
            {
                // SQS keeps copies on several servers; a copy can be delivered on its own, with its own receipt handle.
                Append(new QueuedMessage(messageId, body, attributes, groupId, null, null, now));
                _duplicatesInjected++;
            }

            _changed.Notify();
            return ValueTask.FromResult(messageId);
        }
    }

    /// <summary>
    /// Receives up to <paramref name="maxMessages"/> messages (SQS <c>ReceiveMessage</c>), each hidden for the
    /// queue's visibility timeout. With a wait time, returns as soon as at least one message is available, or
    /// empty when the wait ends (long polling, without spinning).
    /// </summary>
    /// <param name="maxMessages">1 to 10.</param>
    /// <param name="waitTime">How long to wait for a message; null uses <see cref="InProcessQueueOptions.ReceiveWaitTime"/>; zero returns at once.</param>
    /// <param name="cancellationToken">Ends the wait with an <see cref="OperationCanceledException"/>.</param>
    /// <returns>The deliveries, in queue order (per group on a FIFO queue); empty when none came in time.</returns>
    public ValueTask<IReadOnlyList<InProcessMessage>> ReceiveAsync(int maxMessages = 1, TimeSpan? waitTime = null, CancellationToken cancellationToken = default) =>
        ReceiveAsync(maxMessages, waitTime, visibilityTimeout: null, cancellationToken);

    /// <summary>Receives like <see cref="ReceiveAsync(int, TimeSpan?, CancellationToken)"/>, hiding the messages for <paramref name="visibilityTimeout"/> instead of the queue's default.</summary>
    /// <param name="maxMessages">1 to 10.</param>
    /// <param name="waitTime">How long to wait for a message; null uses <see cref="InProcessQueueOptions.ReceiveWaitTime"/>.</param>
    /// <param name="visibilityTimeout">How long these deliveries stay hidden (0 to 12 hours); null uses the queue's.</param>
    /// <param name="cancellationToken">Ends the wait with an <see cref="OperationCanceledException"/>.</param>
    /// <returns>The deliveries; empty when none came in time.</returns>
    public async ValueTask<IReadOnlyList<InProcessMessage>> ReceiveAsync(
        int maxMessages,
        TimeSpan? waitTime,
        TimeSpan? visibilityTimeout,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, 10);
        var wait = waitTime ?? _options.ReceiveWaitTime;
        ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero, nameof(waitTime));
        var hideFor = visibilityTimeout ?? _options.VisibilityTimeout;
        ValidateVisibilityTimeout(hideFor, nameof(visibilityTimeout));
        cancellationToken.ThrowIfCancellationRequested();

        var deadline = _time.GetUtcNow() + wait;
        while (true)
        {
            List<QueuedMessage>? deadLetters = null;
            List<InProcessMessage> received;
            Task nextChange;
            TimeSpan sleepFor;
            lock (_lock)
            {
                var now = _time.GetUtcNow();
                received = TakeVisible(now, maxMessages, hideFor, ref deadLetters);

                // Sleep until something changes or the earliest in-flight message becomes visible again, within the wait.
                nextChange = _changed.NextChange;
                var wakeAt = NextVisibleAt(now) is { } nextVisible && nextVisible < deadline ? nextVisible : deadline;
                sleepFor = wakeAt - now;
            }

            if (deadLetters is not null)
            {
                MoveToDeadLetterQueue(deadLetters);
            }

            if (received.Count > 0 || sleepFor <= TimeSpan.Zero)
            {
                return received;
            }

            await WaitForChangeAsync(nextChange, sleepFor, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes a message with the receipt handle of its latest delivery (SQS <c>DeleteMessage</c>).</summary>
    /// <param name="receiptHandle">The handle from the delivery being acknowledged.</param>
    /// <param name="cancellationToken">Cancels before the delete.</param>
    /// <returns>
    /// True when the message was deleted. False when the handle is stale (the message was delivered again
    /// since, and that newer delivery is untouched) or unknown (already deleted): SQS accepts such calls
    /// without deleting anything.
    /// </returns>
    public ValueTask<bool> DeleteAsync(string receiptHandle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receiptHandle);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Delete(receiptHandle) == DeleteOutcome.Deleted);
    }

    /// <summary>Deletes by receipt and says why nothing was deleted: the SQS transport answers a repeated delete differently from a stale one.</summary>
    internal DeleteOutcome Delete(string receiptHandle)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            if (!TryGetCurrent(receiptHandle, out var message))
            {
                return _deletedReceipts.Contains(receiptHandle, now) ? DeleteOutcome.AlreadyDeleted : DeleteOutcome.Stale;
            }

            _byReceiptHandle.Remove(receiptHandle);
            _messages.Remove(message.Node!);
            message.Node = null;
            _deleted++;
            _deletedReceipts.Add(receiptHandle, now);

            // A FIFO group may be unlocked now.
            _changed.Notify();
            return DeleteOutcome.Deleted;
        }
    }

    /// <summary>Completes when the queue holds no message, visible or in flight (dead letters moved away count as gone).</summary>
    internal async Task WaitUntilEmptyAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task nextChange;
            lock (_lock)
            {
                if (_messages.Count == 0)
                {
                    return;
                }

                nextChange = _changed.NextChange;
            }

            await nextChange.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Changes how long an in-flight message stays hidden, counted from now (SQS <c>ChangeMessageVisibility</c>):
    /// extend it while a handler runs, or set zero to release the message for immediate redelivery.
    /// </summary>
    /// <param name="receiptHandle">The handle of the message's latest delivery.</param>
    /// <param name="visibilityTimeout">0 to 12 hours from now.</param>
    /// <param name="cancellationToken">Cancels before the change.</param>
    /// <returns>False, changing nothing, when the handle is stale or unknown or the message is no longer in flight.</returns>
    public ValueTask<bool> ChangeVisibilityAsync(string receiptHandle, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(receiptHandle);
        ValidateVisibilityTimeout(visibilityTimeout, nameof(visibilityTimeout));
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            if (!TryGetCurrent(receiptHandle, out var message))
            {
                return ValueTask.FromResult(false);
            }

            if (!message.IsInFlight(now))
            {
                // Its visibility already ran out: SQS answers MessageNotInflight and changes nothing.
                _staleReceiptHandles++;
                return ValueTask.FromResult(false);
            }

            message.VisibleAt = now + visibilityTimeout;
            _changed.Notify();
            return ValueTask.FromResult(true);
        }
    }

    /// <summary>Removes every message (SQS <c>PurgeQueue</c>). Counters and the deduplication history are kept.</summary>
    public void Purge()
    {
        lock (_lock)
        {
            _messages.Clear();
            _byReceiptHandle.Clear();
            _changed.Notify();
        }
    }

    /// <summary>Stores a message moved here by another queue's redrive policy: same id, body and attributes; receive count reset.</summary>
    private void AcceptDeadLetter(QueuedMessage source)
    {
        lock (_lock)
        {
            var sequenceNumber = _options.Fifo ? (++_sequence).ToString("D20", CultureInfo.InvariantCulture) : null;
            Append(new QueuedMessage(source.MessageId, source.Body, source.AttributeCopy, source.GroupId, source.DeduplicationId, sequenceNumber, source.SentAt)
            {
                VisibleAt = _time.GetUtcNow(),
            });
            _sent++;
            _changed.Notify();
        }
    }

    private List<InProcessMessage> TakeVisible(DateTimeOffset now, int maxMessages, TimeSpan hideFor, ref List<QueuedMessage>? deadLetters)
    {
        var taken = new List<InProcessMessage>(maxMessages);
        HashSet<string>? closedGroups = null;
        Dictionary<string, int>? takenPerGroup = null;
        if (_options.Fifo)
        {
            // A group with anything in flight delivers nothing more until all of it is deleted or visible again;
            // this keeps the group's order even when a later message of a batch is still out.
            closedGroups = new HashSet<string>(StringComparer.Ordinal);
            takenPerGroup = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var message in _messages)
            {
                if (message.IsInFlight(now))
                {
                    closedGroups.Add(message.GroupId!);
                }
            }
        }

        var node = _messages.First;
        while (node is not null && taken.Count < maxMessages)
        {
            var message = node.Value;
            node = node.Next;
            if (message.VisibleAt > now)
            {
                continue;
            }

            if (closedGroups is not null && closedGroups.Contains(message.GroupId!))
            {
                continue;
            }

            if (_options.MaxReceiveCount is { } maxReceiveCount && message.ReceiveCount >= maxReceiveCount)
            {
                RemoveForDeadLetter(message);
                (deadLetters ??= []).Add(message);
                continue;
            }

            taken.Add(Deliver(message, now, hideFor));
            if (takenPerGroup is not null)
            {
                var group = message.GroupId!;
                var count = takenPerGroup.GetValueOrDefault(group) + 1;
                takenPerGroup[group] = count;
                if (count >= _options.MaxMessagesPerGroupPerReceive)
                {
                    closedGroups!.Add(group);
                }
            }
        }

        return taken;
    }

    private InProcessMessage Deliver(QueuedMessage message, DateTimeOffset now, TimeSpan hideFor)
    {
        if (message.ReceiptHandle is { } previous)
        {
            // The earlier delivery's handle goes stale: it can no longer delete or extend this message.
            _byReceiptHandle.Remove(previous);
            _redelivered++;
        }

        var receiptHandle = $"{message.MessageId}:{Guid.NewGuid():N}";
        message.ReceiptHandle = receiptHandle;
        message.ReceiveCount++;
        message.FirstReceivedAt ??= now;
        message.VisibleAt = now + hideFor;
        _byReceiptHandle[receiptHandle] = message;
        _delivered++;
        return new InProcessMessage
        {
            MessageId = message.MessageId,
            ReceiptHandle = receiptHandle,
            Body = message.Body,
            Attributes = message.Attributes,
            MessageAttributes = message.MessageAttributes,
            ApproximateReceiveCount = message.ReceiveCount,
            MessageGroupId = message.GroupId,
            MessageDeduplicationId = message.DeduplicationId,
            SequenceNumber = message.SequenceNumber,
            SentTimestamp = message.SentAt,
            ApproximateFirstReceiveTimestamp = message.FirstReceivedAt.Value,
        };
    }

    private void RemoveForDeadLetter(QueuedMessage message)
    {
        if (message.ReceiptHandle is { } handle)
        {
            _byReceiptHandle.Remove(handle);
        }

        _messages.Remove(message.Node!);
        message.Node = null;
        _deadLettered++;
        _changed.Notify();
    }

    // Runs outside this queue's lock, so two queues' locks are never held together.
    private void MoveToDeadLetterQueue(List<QueuedMessage> deadLetters)
    {
        if (_options.DeadLetterQueue is not { } deadLetterQueue)
        {
            return;
        }

        foreach (var message in deadLetters)
        {
            deadLetterQueue.AcceptDeadLetter(message);
        }
    }

    private DateTimeOffset? NextVisibleAt(DateTimeOffset now)
    {
        DateTimeOffset? next = null;
        foreach (var message in _messages)
        {
            if (message.VisibleAt > now && (next is null || message.VisibleAt < next))
            {
                next = message.VisibleAt;
            }
        }

        return next;
    }

    /// <summary>Finds the message whose latest delivery carries <paramref name="receiptHandle"/>; counts a miss as stale.</summary>
    private bool TryGetCurrent(string receiptHandle, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out QueuedMessage? message)
    {
        if (_byReceiptHandle.TryGetValue(receiptHandle, out message))
        {
            return true;
        }

        _staleReceiptHandles++;
        return false;
    }

    private void Append(QueuedMessage message) => message.Node = _messages.AddLast(message);

    private void ForgetExpiredDeduplicationIds(DateTimeOffset now)
    {
        if (_deduplication.Count == 0)
        {
            return;
        }

        List<string>? expired = null;
        foreach (var (id, entry) in _deduplication)
        {
            if (entry.Until <= now)
            {
                (expired ??= []).Add(id);
            }
        }

        expired?.ForEach(id => _deduplication.Remove(id));
    }

    private async Task WaitForChangeAsync(Task nextChange, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = Task.Delay(timeout, _time, stopWaiting.Token);
        await Task.WhenAny(nextChange, timer).ConfigureAwait(false);

        // Drop the timer as soon as either side fired, so an idle long poll leaves nothing scheduled behind.
        await stopWaiting.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static void ValidateVisibilityTimeout(TimeSpan value, string parameterName)
    {
        if (value < TimeSpan.Zero || value > MaxVisibilityTimeout)
        {
            throw new ArgumentOutOfRangeException(parameterName, value, "A visibility timeout is between 0 and 12 hours.");
        }
    }

    private static void Validate(InProcessQueueOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Name, nameof(options));
        ValidateVisibilityTimeout(options.VisibilityTimeout, nameof(options));
        if (options.ReceiveWaitTime < TimeSpan.Zero)
        {
            throw new ArgumentException("The receive wait time cannot be negative.", nameof(options));
        }

        if (options.MaxReceiveCount is < 1)
        {
            throw new ArgumentException("MaxReceiveCount must be at least 1.", nameof(options));
        }

        if (options.DeadLetterQueue is { } deadLetterQueue && deadLetterQueue.IsFifo != options.Fifo)
        {
            throw new ArgumentException("A dead-letter queue must be of the same kind (FIFO or standard) as its source queue.", nameof(options));
        }

        if (options.DuplicateDeliveryProbability is < 0 or > 1 || double.IsNaN(options.DuplicateDeliveryProbability))
        {
            throw new ArgumentException("DuplicateDeliveryProbability is between 0 and 1.", nameof(options));
        }

        if (options.Fifo && options.DuplicateDeliveryProbability > 0)
        {
            throw new ArgumentException("FIFO queues deliver exactly once per deduplication window; duplicate injection applies to standard queues.", nameof(options));
        }

        if (options.DeduplicationInterval < TimeSpan.Zero)
        {
            throw new ArgumentException("The deduplication interval cannot be negative.", nameof(options));
        }

        if (options.MaxMessagesPerGroupPerReceive is < 1 or > 10)
        {
            throw new ArgumentException("MaxMessagesPerGroupPerReceive is between 1 and 10.", nameof(options));
        }
    }
}
