using System.Collections.Concurrent;
using System.Globalization;
using IdempotentConsumer.Sqs;
using IdempotentConsumer.Sqs.Transport;
using OrderShipping.Demo.Reporting;

namespace OrderShipping.Demo.Transport;

/// <summary>
/// The queue's side of the statistics: every message a consumer receives (a delivery; a redelivery when its receive
/// count is above 1) and every message the queue confirms deleted. It sits under every consumer of the run.
/// </summary>
internal sealed class CountingTransport(ISqsTransport inner, DemoStatistics statistics) : ISqsTransport
{
    // Delete entries carry the caller's ids, not message ids: the receipt handle says which message was settled.
    private readonly ConcurrentDictionary<string, string> _messageIdByReceipt = new(StringComparer.Ordinal);

    public async ValueTask<IReadOnlyList<SqsTransportMessage>> ReceiveAsync(SqsReceiveRequest request, CancellationToken cancellationToken)
    {
        var messages = await inner.ReceiveAsync(request, cancellationToken).ConfigureAwait(false);
        foreach (var message in messages)
        {
            statistics.RecordDelivery(ReceiveCount(message));
            if (message.ReceiptHandle is { } receipt)
            {
                _messageIdByReceipt[receipt] = message.MessageId;
            }
        }

        return messages;
    }

    public async ValueTask<IReadOnlyList<SqsBatchEntryError>> DeleteBatchAsync(string queueUrl, IReadOnlyList<SqsReceipt> receipts, CancellationToken cancellationToken)
    {
        var errors = await inner.DeleteBatchAsync(queueUrl, receipts, cancellationToken).ConfigureAwait(false);
        var failed = errors.Select(error => error.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var receipt in receipts)
        {
            if (_messageIdByReceipt.TryRemove(receipt.ReceiptHandle, out var messageId) && !failed.Contains(receipt.Id))
            {
                statistics.RecordSettled(messageId);
            }
        }

        return errors;
    }

    public ValueTask ChangeVisibilityAsync(string queueUrl, string receiptHandle, TimeSpan visibilityTimeout, CancellationToken cancellationToken) =>
        inner.ChangeVisibilityAsync(queueUrl, receiptHandle, visibilityTimeout, cancellationToken);

    public ValueTask<SqsQueueAttributes> GetQueueAttributesAsync(string queueUrl, CancellationToken cancellationToken) =>
        inner.GetQueueAttributesAsync(queueUrl, cancellationToken);

    private static int ReceiveCount(SqsTransportMessage message) =>
        message.Attributes.TryGetValue(SqsSystemAttributes.ApproximateReceiveCount, out var value)
        && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) ? count : 1;
}
