using System.Globalization;
using IdempotentConsumer.InProcess;
using IdempotentConsumer.Sqs;
using IdempotentConsumer.Sqs.Transport;

namespace IdempotentConsumer.Testing.Storm.Internal;

/// <summary>
/// The worker's SQS calls answered by an <see cref="InProcessQueue"/>. Stand-in until IdempotentConsumer.InProcess
/// ships its own ISqsTransport; it adds no queue behaviour of its own.
/// </summary>
internal sealed class InProcessQueueTransport(InProcessQueue queue, string queueUrl, TimeSpan visibilityTimeout, int? maxReceiveCount) : ISqsTransport
{
    public async ValueTask<IReadOnlyList<SqsTransportMessage>> ReceiveAsync(SqsReceiveRequest request, CancellationToken cancellationToken)
    {
        var received = await queue.ReceiveAsync(request.MaxMessages, request.WaitTime, request.VisibilityTimeout, cancellationToken).ConfigureAwait(false);
        if (received.Count == 0)
        {
            return [];
        }

        return [.. received.Select(m => new SqsTransportMessage
        {
            MessageId = m.MessageId,
            ReceiptHandle = m.ReceiptHandle,
            Body = m.Body,
            QueueArnOrUrl = queueUrl,
            Attributes = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [SqsSystemAttributes.ApproximateReceiveCount] = m.ApproximateReceiveCount.ToString(CultureInfo.InvariantCulture),
                [SqsSystemAttributes.SentTimestamp] = m.SentTimestamp.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            },
        })];
    }

    public async ValueTask<IReadOnlyList<SqsBatchEntryError>> DeleteBatchAsync(string queueUrl, IReadOnlyList<SqsReceipt> receipts, CancellationToken cancellationToken)
    {
        foreach (var receipt in receipts)
        {
            // A stale receipt deletes nothing and is not an error, as in SQS.
            await queue.DeleteAsync(receipt.ReceiptHandle, cancellationToken).ConfigureAwait(false);
        }

        return [];
    }

    public async ValueTask ChangeVisibilityAsync(string queueUrl, string receiptHandle, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        if (!await queue.ChangeVisibilityAsync(receiptHandle, visibilityTimeout, cancellationToken).ConfigureAwait(false))
        {
            throw new SqsMessageLostException();
        }
    }

    public ValueTask<SqsQueueAttributes> GetQueueAttributesAsync(string queueUrl, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new SqsQueueAttributes(visibilityTimeout, maxReceiveCount, queue.IsFifo));
}
