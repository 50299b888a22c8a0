using System.Globalization;
using IdempotentConsumer.InProcess;
using IdempotentConsumer.Sqs;
using IdempotentConsumer.Sqs.Transport;

namespace OrderShipping.Demo.Queues;

/// <summary>
/// <see cref="ISqsTransport"/> over one <see cref="InProcessQueue"/>: the SQS calls the consumers make, answered by the
/// in-process queue. A stand-in until <c>IdempotentConsumer.InProcess</c> ships its own <c>InProcessSqsTransport</c>;
/// it maps calls, it simulates nothing of its own.
/// </summary>
internal sealed class InProcessQueueTransport(InProcessQueue queue, string queueUrl) : ISqsTransport
{
    public async ValueTask<IReadOnlyList<SqsTransportMessage>> ReceiveAsync(SqsReceiveRequest request, CancellationToken cancellationToken)
    {
        var messages = await queue.ReceiveAsync(request.MaxMessages, request.WaitTime, cancellationToken).ConfigureAwait(false);
        return messages.Select(message => new SqsTransportMessage
        {
            MessageId = message.MessageId,
            ReceiptHandle = message.ReceiptHandle,
            Body = message.Body,
            QueueArnOrUrl = queueUrl,
            Attributes = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [SqsSystemAttributes.ApproximateReceiveCount] = message.ApproximateReceiveCount.ToString(CultureInfo.InvariantCulture),
                [SqsSystemAttributes.SentTimestamp] = message.SentTimestamp.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            },
        }).ToList();
    }

    public async ValueTask<IReadOnlyList<SqsBatchEntryError>> DeleteBatchAsync(string queueUrl, IReadOnlyList<SqsReceipt> receipts, CancellationToken cancellationToken)
    {
        var errors = new List<SqsBatchEntryError>();
        foreach (var receipt in receipts)
        {
            // A stale receipt (the message was received again meanwhile) deletes nothing, as on SQS.
            if (!await queue.DeleteAsync(receipt.ReceiptHandle, cancellationToken).ConfigureAwait(false))
            {
                errors.Add(new SqsBatchEntryError(receipt.Id, "ReceiptHandleIsInvalid", "The receipt no longer names an in-flight message.", SenderFault: true));
            }
        }

        return errors;
    }

    public async ValueTask ChangeVisibilityAsync(string queueUrl, string receiptHandle, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        if (!await queue.ChangeVisibilityAsync(receiptHandle, visibilityTimeout, cancellationToken).ConfigureAwait(false))
        {
            throw new SqsMessageLostException();
        }
    }

    public ValueTask<SqsQueueAttributes> GetQueueAttributesAsync(string queueUrl, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new SqsQueueAttributes(VisibilityTimeout: null, MaxReceiveCount: null, IsFifo: queue.IsFifo));
}
