using IdempotentConsumer.Sqs;
using IdempotentConsumer.Sqs.Transport;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace IdempotentConsumer.InProcess.Tests;

/// <summary>The in-process queue behind the consumers' SQS seam behaves as SQS does where the worker depends on it.</summary>
public sealed class SqsTransportTests
{
    private readonly FakeTimeProvider _time = new();

    private static SqsReceiveRequest Receive(string url, TimeSpan? visibility = null) =>
        new() { QueueUrl = url, MaxMessages = 10, WaitTime = TimeSpan.Zero, VisibilityTimeout = visibility };

    [Fact]
    public async Task Given_a_message_whose_visibility_lapsed_When_received_again_Then_its_receive_count_grows_and_the_old_receipt_is_lost()
    {
        var transport = new InProcessSqsTransport(_time);
        var url = transport.CreateQueue("orders", new InProcessQueueOptions { VisibilityTimeout = TimeSpan.FromSeconds(30) });
        await transport.SendAsync(url, """{"orderId":"o-1"}""", new Dictionary<string, string> { ["tenant"] = "acme" });

        var first = Assert.Single(await transport.ReceiveAsync(Receive(url), CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(31));
        var second = Assert.Single(await transport.ReceiveAsync(Receive(url), CancellationToken.None));

        var incoming = SqsIncomingMessages.ToIncoming(second);
        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(2, incoming.ReceiveCount);
        Assert.Equal("acme", incoming.Attributes["tenant"]);
        Assert.Same(second, incoming.Transport);
        await Assert.ThrowsAsync<SqsMessageLostException>(() => transport.ChangeVisibilityAsync(url, first.ReceiptHandle!, TimeSpan.Zero, CancellationToken.None).AsTask());
        var failed = await transport.DeleteBatchAsync(url, [new SqsReceipt("0", first.ReceiptHandle!)], CancellationToken.None);
        Assert.True(Assert.Single(failed).SenderFault);
        Assert.Empty(await transport.DeleteBatchAsync(url, [new SqsReceipt("0", second.ReceiptHandle!)], CancellationToken.None));
    }

    [Fact]
    public async Task Given_a_lost_delete_reply_When_deleting_Then_the_caller_sees_an_error_but_the_message_is_gone()
    {
        var transport = new InProcessSqsTransport(_time) { LoseDeleteReply = _ => true };
        var url = transport.CreateQueue("orders");
        await transport.SendAsync(url, "{}");
        var message = Assert.Single(await transport.ReceiveAsync(Receive(url, TimeSpan.FromSeconds(1)), CancellationToken.None));

        await Assert.ThrowsAsync<TimeoutException>(() => transport.DeleteBatchAsync(url, [new SqsReceipt("0", message.ReceiptHandle!)], CancellationToken.None).AsTask());
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Empty(await transport.ReceiveAsync(Receive(url), CancellationToken.None));
    }

    [Fact]
    public async Task Given_a_redrive_policy_When_the_attributes_are_read_Then_the_max_receive_count_and_fifo_flag_are_reported()
    {
        var transport = new InProcessSqsTransport(_time);
        var dlq = transport.CreateQueue("orders-dlq.fifo");
        var url = transport.CreateQueue("orders.fifo", new InProcessQueueOptions
        {
            MaxReceiveCount = 3,
            DeadLetterQueue = transport.GetQueue(dlq),
            VisibilityTimeout = TimeSpan.FromSeconds(20),
        });

        var attributes = await transport.GetQueueAttributesAsync(url, CancellationToken.None);

        Assert.Equal(new SqsQueueAttributes(TimeSpan.FromSeconds(20), 3, true), attributes);
    }
}
