using System.Collections.Concurrent;
using IdempotentConsumer.Sqs;
using IdempotentConsumer.Sqs.Transport;

namespace IdempotentConsumer.Testing.Storm.Internal;

/// <summary>
/// The shared in-process queue as one consumer process reaches it: dead once the process crashed (so a crashed
/// process neither deletes nor returns its message: it comes back after its visibility timeout), unreachable for
/// visibility changes while the process is partitioned, and with the storm's lost acknowledgements: a delete the
/// worker asked for that never reaches the queue.
/// </summary>
internal sealed class StormProcessTransport(ISqsTransport inner, StormProcess process, IStormObserver observer) : ISqsTransport
{
    private readonly ConcurrentDictionary<string, StormAttempt> _attempts = new(StringComparer.Ordinal);

    public async ValueTask<IReadOnlyList<SqsTransportMessage>> ReceiveAsync(SqsReceiveRequest request, CancellationToken cancellationToken)
    {
        process.ThrowIfDead();
        var messages = await inner.ReceiveAsync(request, cancellationToken).ConfigureAwait(false);
        foreach (var message in messages)
        {
            var attempt = observer.OnDelivered(process, message);
            _attempts[attempt.ReceiptHandle] = attempt;
            process.Current = attempt;
        }

        return messages;
    }

    public async ValueTask<IReadOnlyList<SqsBatchEntryError>> DeleteBatchAsync(string queueUrl, IReadOnlyList<SqsReceipt> receipts, CancellationToken cancellationToken)
    {
        process.ThrowIfDead();
        var sent = new List<SqsReceipt>(receipts.Count);
        foreach (var receipt in receipts)
        {
            if (_attempts.TryRemove(receipt.ReceiptHandle, out var attempt))
            {
                attempt.Answered = true;
                if (observer.OnAcknowledged(attempt))
                {
                    attempt.AcknowledgementLost = true;
                    continue; // the reply says deleted, the queue never heard of it
                }
            }

            sent.Add(receipt);
        }

        return sent.Count == 0 ? [] : await inner.DeleteBatchAsync(queueUrl, sent, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask ChangeVisibilityAsync(string queueUrl, string receiptHandle, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        process.ThrowIfDead();
        process.ThrowIfPartitioned();
        if (_attempts.TryGetValue(receiptHandle, out var attempt))
        {
            attempt.Answered = true;
        }

        return inner.ChangeVisibilityAsync(queueUrl, receiptHandle, visibilityTimeout, cancellationToken);
    }

    public ValueTask<SqsQueueAttributes> GetQueueAttributesAsync(string queueUrl, CancellationToken cancellationToken)
    {
        process.ThrowIfDead();
        return inner.GetQueueAttributesAsync(queueUrl, cancellationToken);
    }
}
