using IdempotentConsumer.Sqs;
using IdempotentConsumer.Sqs.Transport;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace IdempotentConsumer.InProcess.Tests.Sqs;

/// <summary>A transport on a fake clock, and the receive a consumer makes, so each test reads as the calls a worker makes.</summary>
public abstract class SqsTransportTestBase
{
    protected static readonly TimeSpan Visibility = TimeSpan.FromSeconds(30);

    protected SqsTransportTestBase()
    {
        Transport = new InProcessSqsTransport(Clock, faultSeed: 7);
    }

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    protected InProcessSqsTransport Transport { get; }

    protected string NewQueue(string name = "orders", Action<InProcessSqsQueueOptions>? configure = null)
    {
        var options = new InProcessSqsQueueOptions { VisibilityTimeout = Visibility };
        configure?.Invoke(options);
        return Transport.CreateQueue(name, options);
    }

    protected async Task<IReadOnlyList<SqsTransportMessage>> ReceiveAsync(string queueUrl, int maxMessages = 10, TimeSpan? visibility = null) =>
        await Transport.ReceiveAsync(
            new SqsReceiveRequest { QueueUrl = queueUrl, MaxMessages = maxMessages, WaitTime = TimeSpan.Zero, VisibilityTimeout = visibility },
            CancellationToken.None);

    protected async Task<SqsTransportMessage> ReceiveOneAsync(string queueUrl) => Assert.Single(await ReceiveAsync(queueUrl, 1));

    protected static int ReceiveCount(SqsTransportMessage message) =>
        int.Parse(message.Attributes[SqsSystemAttributes.ApproximateReceiveCount], System.Globalization.CultureInfo.InvariantCulture);

    protected ValueTask<IReadOnlyList<SqsBatchEntryError>> DeleteAsync(string queueUrl, params SqsTransportMessage[] messages) =>
        Transport.DeleteBatchAsync(queueUrl, [.. messages.Select(m => new SqsReceipt(m.MessageId, m.ReceiptHandle!))], CancellationToken.None);
}
