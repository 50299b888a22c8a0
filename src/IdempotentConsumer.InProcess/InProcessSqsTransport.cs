using System.Collections.Concurrent;
using System.Globalization;
using IdempotentConsumer.Sqs;
using IdempotentConsumer.Sqs.Transport;

namespace IdempotentConsumer.InProcess;

/// <summary>
/// The consumer's SQS calls (<see cref="ISqsTransport"/>) served by <see cref="InProcessQueue"/>s in this process, so
/// the hosted worker and the local Lambda runner run unchanged, with no cloud account and no emulator: the demo, the
/// storm and users' tests use it. Queues are addressed by URL (<c>inprocess://queues/{name}</c>).
/// </summary>
/// <remarks>
/// A stale receipt (the message was received again since, or already deleted) fails as SQS fails it: a visibility
/// change throws <see cref="SqsMessageLostException"/>, a delete reports a sender-fault entry
/// <c>ReceiptHandleIsInvalid</c>. <see cref="SqsReceiveRequest.ReceiveRequestAttemptId"/> is ignored: an in-process
/// receive has no reply to lose.
/// </remarks>
public sealed class InProcessSqsTransport : ISqsTransport
{
    private const string UrlPrefix = "inprocess://queues/";
    private readonly ConcurrentDictionary<string, InProcessQueue> _queues = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a transport with no queues yet.</summary>
    /// <param name="timeProvider">The clock of the queues it creates (visibility, delays).</param>
    public InProcessSqsTransport(TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Called before a delete batch is applied, with the receipts it holds: return true to lose the reply after the
    /// deletes landed (the caller sees an error, the messages are gone), as a timed-out SQS call does.
    /// </summary>
    public Func<IReadOnlyList<SqsReceipt>, bool>? LoseDeleteReply { get; set; }

    /// <summary>Creates (or returns) the queue <paramref name="name"/> and returns its URL.</summary>
    public string CreateQueue(string name, InProcessQueueOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var queueOptions = options ?? new InProcessQueueOptions();
        queueOptions.Name = name;
        queueOptions.Fifo |= name.EndsWith(".fifo", StringComparison.Ordinal);
        _queues.GetOrAdd(name, _ => new InProcessQueue(queueOptions, _timeProvider));
        return UrlPrefix + name;
    }

    /// <summary>The queue behind <paramref name="queueUrl"/>.</summary>
    /// <exception cref="ArgumentException">No queue was created with that URL.</exception>
    public InProcessQueue GetQueue(string queueUrl)
    {
        ArgumentNullException.ThrowIfNull(queueUrl);
        var name = queueUrl.StartsWith(UrlPrefix, StringComparison.Ordinal) ? queueUrl[UrlPrefix.Length..] : queueUrl;
        return _queues.TryGetValue(name, out var queue) ? queue : throw new ArgumentException($"No in-process queue '{queueUrl}'.", nameof(queueUrl));
    }

    /// <summary>Sends a message, as a producer would.</summary>
    /// <returns>The message id.</returns>
    public ValueTask<string> SendAsync(string queueUrl, string body, IReadOnlyDictionary<string, string>? attributes = null, string? groupId = null, string? deduplicationId = null, CancellationToken cancellationToken = default) =>
        GetQueue(queueUrl).SendAsync(body, attributes, groupId, deduplicationId, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SqsTransportMessage>> ReceiveAsync(SqsReceiveRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var messages = await GetQueue(request.QueueUrl).ReceiveAsync(request.MaxMessages, request.WaitTime, request.VisibilityTimeout, cancellationToken).ConfigureAwait(false);
        var received = new SqsTransportMessage[messages.Count];
        for (var i = 0; i < received.Length; i++)
        {
            received[i] = ToTransportMessage(messages[i], request.QueueUrl);
        }

        return received;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SqsBatchEntryError>> DeleteBatchAsync(string queueUrl, IReadOnlyList<SqsReceipt> receipts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipts);
        var queue = GetQueue(queueUrl);
        var loseReply = LoseDeleteReply?.Invoke(receipts) ?? false;
        List<SqsBatchEntryError>? failed = null;
        foreach (var receipt in receipts)
        {
            if (!await queue.DeleteAsync(receipt.ReceiptHandle, cancellationToken).ConfigureAwait(false))
            {
                (failed ??= []).Add(new SqsBatchEntryError(receipt.Id, "ReceiptHandleIsInvalid", "The receipt handle is stale or unknown.", SenderFault: true));
            }
        }

        if (loseReply)
        {
            throw new TimeoutException("The delete landed but its reply was lost (injected).");
        }

        return failed ?? (IReadOnlyList<SqsBatchEntryError>)[];
    }

    /// <inheritdoc />
    public async ValueTask ChangeVisibilityAsync(string queueUrl, string receiptHandle, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        if (!await GetQueue(queueUrl).ChangeVisibilityAsync(receiptHandle, visibilityTimeout, cancellationToken).ConfigureAwait(false))
        {
            throw new SqsMessageLostException("The receipt handle is stale or unknown: the message is no longer in flight for this consumer.");
        }
    }

    /// <inheritdoc />
    public ValueTask<SqsQueueAttributes> GetQueueAttributesAsync(string queueUrl, CancellationToken cancellationToken)
    {
        var queue = GetQueue(queueUrl);
        return ValueTask.FromResult(new SqsQueueAttributes(queue.VisibilityTimeout, queue.MaxReceiveCount, queue.IsFifo));
    }

    private static SqsTransportMessage ToTransportMessage(InProcessMessage message, string queueUrl)
    {
        var system = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [SqsSystemAttributes.ApproximateReceiveCount] = message.ApproximateReceiveCount.ToString(CultureInfo.InvariantCulture),
            [SqsSystemAttributes.SentTimestamp] = message.SentTimestamp.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        };
        if (message.MessageGroupId is { } group)
        {
            system[SqsSystemAttributes.MessageGroupId] = group;
        }

        if (message.MessageDeduplicationId is { } dedup)
        {
            system[SqsSystemAttributes.MessageDeduplicationId] = dedup;
        }

        if (message.SequenceNumber is { } sequence)
        {
            system[SqsSystemAttributes.SequenceNumber] = sequence;
        }

        var attributes = new Dictionary<string, SqsMessageAttribute>(message.Attributes.Count, StringComparer.Ordinal);
        foreach (var (name, value) in message.Attributes)
        {
            attributes[name] = new SqsMessageAttribute("String", value, null);
        }

        return new SqsTransportMessage
        {
            MessageId = message.MessageId,
            ReceiptHandle = message.ReceiptHandle,
            Body = message.Body,
            Attributes = system,
            MessageAttributes = attributes,
            QueueArnOrUrl = queueUrl,
        };
    }
}
