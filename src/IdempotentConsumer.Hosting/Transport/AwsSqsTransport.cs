using System.Net;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using IdempotentConsumer.Sqs;
using IdempotentConsumer.Sqs.Transport;

namespace IdempotentConsumer.Hosting.Transport;

/// <summary>The consumer's SQS calls made with the AWS SDK (<see cref="IAmazonSQS"/>): SQS itself, or any emulator that speaks its protocol.</summary>
public sealed class AwsSqsTransport : ISqsTransport
{
    private const string RedrivePolicy = "RedrivePolicy";
    private const string VisibilityTimeout = "VisibilityTimeout";
    private const string FifoQueue = "FifoQueue";
    private readonly IAmazonSQS _sqs;

    /// <summary>Creates the transport over a client.</summary>
    public AwsSqsTransport(IAmazonSQS sqs)
    {
        _sqs = sqs ?? throw new ArgumentNullException(nameof(sqs));
    }

    /// <summary>The SDK client underneath.</summary>
    public IAmazonSQS Client => _sqs;

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SqsTransportMessage>> ReceiveAsync(SqsReceiveRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await _sqs.ReceiveMessageAsync(
            new ReceiveMessageRequest
            {
                QueueUrl = request.QueueUrl,
                MaxNumberOfMessages = request.MaxMessages,
                WaitTimeSeconds = (int)Math.Ceiling(request.WaitTime.TotalSeconds),
                VisibilityTimeout = request.VisibilityTimeout is { } visibility ? (int)Math.Ceiling(visibility.TotalSeconds) : null,
                MessageSystemAttributeNames = ["All"],
                MessageAttributeNames = ["All"],
                ReceiveRequestAttemptId = request.ReceiveRequestAttemptId,
            },
            cancellationToken).ConfigureAwait(false);

        // SDK v4 leaves collections null when SQS sent none.
        var messages = response?.Messages;
        if (messages is null || messages.Count == 0)
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
    public async ValueTask<IReadOnlyList<SqsBatchEntryError>> DeleteBatchAsync(string queueUrl, IReadOnlyList<SqsReceipt> receipts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipts);
        var entries = new List<DeleteMessageBatchRequestEntry>(receipts.Count);
        foreach (var receipt in receipts)
        {
            entries.Add(new DeleteMessageBatchRequestEntry(receipt.Id, receipt.ReceiptHandle));
        }

        var response = await _sqs.DeleteMessageBatchAsync(new DeleteMessageBatchRequest(queueUrl, entries), cancellationToken).ConfigureAwait(false);
        var failed = response?.Failed;
        if (failed is null || failed.Count == 0)
        {
            return [];
        }

        return failed.ConvertAll(f => new SqsBatchEntryError(f.Id, f.Code ?? string.Empty, f.Message, f.SenderFault == true));
    }

    /// <inheritdoc />
    public async ValueTask ChangeVisibilityAsync(string queueUrl, string receiptHandle, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        try
        {
            await _sqs.ChangeMessageVisibilityAsync(
                new ChangeMessageVisibilityRequest
                {
                    QueueUrl = queueUrl,
                    ReceiptHandle = receiptHandle,
                    VisibilityTimeout = (int)Math.Ceiling(Math.Max(0, visibilityTimeout.TotalSeconds)),
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonServiceException ex) when (MeansLost(ex))
        {
            throw new SqsMessageLostException($"SQS rejected the receipt ({ex.ErrorCode ?? ex.GetType().Name}): the message is no longer in flight for this consumer.", ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask<SqsQueueAttributes> GetQueueAttributesAsync(string queueUrl, CancellationToken cancellationToken)
    {
        var response = await _sqs.GetQueueAttributesAsync(
            new GetQueueAttributesRequest { QueueUrl = queueUrl, AttributeNames = [RedrivePolicy, VisibilityTimeout, FifoQueue] },
            cancellationToken).ConfigureAwait(false);
        var attributes = response?.Attributes ?? [];
        TimeSpan? visibility = attributes.TryGetValue(VisibilityTimeout, out var seconds) && int.TryParse(seconds, out var parsed) ? TimeSpan.FromSeconds(parsed) : null;
        var isFifo = (attributes.TryGetValue(FifoQueue, out var fifo) && string.Equals(fifo, "true", StringComparison.OrdinalIgnoreCase))
            || queueUrl.EndsWith(".fifo", StringComparison.Ordinal);
        return new SqsQueueAttributes(visibility, SqsRedrivePolicy.ParseMaxReceiveCount(attributes.GetValueOrDefault(RedrivePolicy)), isFifo);
    }

    /// <summary>Maps an SDK message to the shared SQS transport message.</summary>
    public static SqsTransportMessage ToTransportMessage(Message message, string? queueUrl)
    {
        ArgumentNullException.ThrowIfNull(message);
        Dictionary<string, SqsMessageAttribute>? custom = null;
        if (message.MessageAttributes is { Count: > 0 } attributes)
        {
            custom = new Dictionary<string, SqsMessageAttribute>(attributes.Count, StringComparer.Ordinal);
            foreach (var (name, value) in attributes)
            {
                if (value is null)
                {
                    continue;
                }

                ReadOnlyMemory<byte>? binary = value.BinaryValue is { } stream ? stream.ToArray() : null;
                custom[name] = new SqsMessageAttribute(value.DataType ?? string.Empty, value.StringValue, binary);
            }
        }

        return new SqsTransportMessage
        {
            MessageId = message.MessageId ?? string.Empty,
            ReceiptHandle = message.ReceiptHandle,
            Body = message.Body ?? string.Empty,
            Attributes = message.Attributes is { } system ? system : new Dictionary<string, string>(),
            MessageAttributes = custom ?? new Dictionary<string, SqsMessageAttribute>(),
            QueueArnOrUrl = queueUrl,
        };
    }

    /// <summary>Failures no retry heals: the receipt handle or the queue is no longer valid (throttling is not one of them).</summary>
    private static bool MeansLost(AmazonServiceException ex) => ex switch
    {
        ReceiptHandleIsInvalidException or MessageNotInflightException or QueueDoesNotExistException => true,
        RequestThrottledException => false,
        { StatusCode: HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.Forbidden }
            => !(ex.ErrorCode?.Contains("Throttl", StringComparison.OrdinalIgnoreCase) ?? false),
        _ => false,
    };
}
