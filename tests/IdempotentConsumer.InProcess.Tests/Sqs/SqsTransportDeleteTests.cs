using IdempotentConsumer.Sqs.Transport;
using Xunit;

namespace IdempotentConsumer.InProcess.Tests.Sqs;

/// <summary>Deletes: batch outcomes per entry, and the injected faults of a lost request or a lost reply.</summary>
public sealed class SqsTransportDeleteTests : SqsTransportTestBase
{
    [Fact]
    public async Task Given_a_batch_with_one_stale_receipt_When_it_is_deleted_Then_the_others_are_deleted_and_the_stale_one_is_a_sender_fault_ReceiptHandleIsInvalid()
    {
        var queue = NewQueue();
        await Transport.SendAsync(queue, "a");
        await Transport.SendAsync(queue, "b");
        var first = await ReceiveAsync(queue);
        var a = first.Single(m => m.Body == "a");
        await Transport.ChangeVisibilityAsync(queue, a.ReceiptHandle!, TimeSpan.Zero, CancellationToken.None);
        var aAgain = await ReceiveOneAsync(queue);

        var errors = await DeleteAsync(queue, [.. first]);

        var error = Assert.Single(errors);
        Assert.Equal(a.MessageId, error.Id);
        Assert.Equal("ReceiptHandleIsInvalid", error.Code);
        Assert.True(error.SenderFault);
        Assert.Equal(1, Transport.GetStatistics(queue).Deleted);
        Assert.Empty(await DeleteAsync(queue, aAgain));
    }

    [Fact]
    public async Task Given_a_deleted_message_When_the_same_delete_is_repeated_Then_it_succeeds_again()
    {
        var queue = NewQueue();
        await Transport.SendAsync(queue, "x");
        var message = await ReceiveOneAsync(queue);

        Assert.Empty(await DeleteAsync(queue, message));
        Assert.Empty(await DeleteAsync(queue, message));
        Assert.Equal(1, Transport.GetStatistics(queue).Deleted);
    }

    [Fact]
    public async Task Given_lost_delete_replies_When_a_consumer_deletes_Then_it_sees_an_error_but_the_message_is_gone_and_a_retried_delete_succeeds()
    {
        var queue = NewQueue();
        await Transport.SendAsync(queue, "x");
        var message = await ReceiveOneAsync(queue);
        Transport.Faults.LostDeleteReplyRate = 1;

        var fault = await Assert.ThrowsAsync<InProcessSqsFaultException>(() => DeleteAsync(queue, message).AsTask());

        Assert.True(fault.Landed);
        Assert.Equal(1, Transport.LostDeleteReplies);
        Clock.Advance(Visibility);
        Assert.Empty(await ReceiveAsync(queue));
        Transport.Faults.LostDeleteReplyRate = 0;
        Assert.Empty(await DeleteAsync(queue, message));
    }

    [Fact]
    public async Task Given_lost_delete_requests_When_a_consumer_deletes_Then_it_sees_an_error_and_the_message_comes_back_after_its_visibility()
    {
        var queue = NewQueue();
        await Transport.SendAsync(queue, "x");
        var message = await ReceiveOneAsync(queue);
        Transport.Faults.LostDeleteRequestRate = 1;

        var fault = await Assert.ThrowsAsync<InProcessSqsFaultException>(() => DeleteAsync(queue, message).AsTask());

        Assert.False(fault.Landed);
        Assert.Equal(1, Transport.LostDeleteRequests);
        Assert.Equal(0, Transport.GetStatistics(queue).Deleted);
        Clock.Advance(Visibility);
        Assert.Equal(2, ReceiveCount(await ReceiveOneAsync(queue)));
    }

    [Fact]
    public async Task Given_eleven_receipts_When_deleted_in_one_batch_Then_the_call_is_refused()
    {
        var queue = NewQueue();

        await Assert.ThrowsAsync<ArgumentException>(() => Transport.DeleteBatchAsync(
            queue,
            [.. Enumerable.Range(0, 11).Select(i => new SqsReceipt($"e{i}", $"h{i}"))],
            CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task Given_an_abandoned_receipt_When_its_consumer_deletes_and_releases_it_Then_nothing_reaches_the_queue_and_the_message_returns_after_its_visibility()
    {
        var queue = NewQueue();
        await Transport.SendAsync(queue, "x");
        var message = await ReceiveOneAsync(queue);
        Transport.AbandonReceipt(message.ReceiptHandle!);

        await Transport.ChangeVisibilityAsync(queue, message.ReceiptHandle!, TimeSpan.Zero, CancellationToken.None);
        Assert.Empty(await DeleteAsync(queue, message));

        Assert.Empty(await ReceiveAsync(queue));
        Assert.Equal(2, Transport.DroppedAbandonedCalls);
        Clock.Advance(Visibility);
        Assert.Equal(2, ReceiveCount(await ReceiveOneAsync(queue)));
    }
}
