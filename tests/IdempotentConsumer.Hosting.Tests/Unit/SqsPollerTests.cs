using System.Collections.Concurrent;
using Amazon.SQS;
using Amazon.SQS.Model;
using IdempotentConsumer.Hosting.Options;
using IdempotentConsumer.Hosting.Tests.Support;
using IdempotentConsumer.Hosting.Transport;
using IdempotentConsumer.Hosting.Worker;
using IdempotentConsumer.Sqs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Xunit;

namespace IdempotentConsumer.Hosting.Tests.Unit;

public sealed class SqsPollerTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly Mock<IAmazonSQS> _sqs = new(MockBehavior.Strict);
    private readonly ConcurrentQueue<(ReceiveMessageRequest Request, DateTimeOffset At)> _receives = new();

    private static SqsConsumerOptions Options(int maxMessages = 10, TimeSpan? batchWindow = null) => new()
    {
        QueueUrl = "http://127.0.0.1:1/000000000000/orders",
        MaxNumberOfMessages = maxMessages,
        ReceiveBatchWindow = batchWindow ?? TimeSpan.Zero,
        WaitTimeSeconds = 20,
        VisibilityTimeout = TimeSpan.FromSeconds(7),
        ErrorBackoff = new SqsErrorBackoffOptions { InitialDelay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromSeconds(5) },
    };

    private static Message NewMessage(int i) => new() { MessageId = $"m-{i}", ReceiptHandle = $"rh-{i}", Body = "{}" };

    /// <summary>Answers receives in order from <paramref name="answers"/>, then waits (as a long poll would) until cancelled.</summary>
    private void ReceiveAnswers(params Func<ReceiveMessageResponse>[] answers)
    {
        var index = -1;
        _sqs.Setup(s => s.ReceiveMessageAsync(It.IsAny<ReceiveMessageRequest>(), It.IsAny<CancellationToken>()))
            .Returns(async (ReceiveMessageRequest request, CancellationToken token) =>
            {
                _receives.Enqueue((request, _time.GetUtcNow()));
                var i = Interlocked.Increment(ref index);
                if (i < answers.Length)
                {
                    return answers[i]();
                }

                await Task.Delay(Timeout.Infinite, token);
                throw new InvalidOperationException("unreachable");
            });
    }

    [Fact]
    public async Task Given_receive_errors_When_polling_Then_it_backs_off_exponentially_and_keeps_running()
    {
        ReceiveAnswers(
            () => throw new AmazonSQSException("outage 1"),
            () => throw new HttpRequestException("outage 2"),
            () => new ReceiveMessageResponse { Messages = [NewMessage(1)] });
        var received = new ConcurrentQueue<SqsTransportMessage>();
        var poller = new SqsPoller(new AwsSqsTransport(_sqs.Object), Options(), isFifo: false, new ConcurrencyGate(10), _time, NullLogger.Instance);
        using var stop = new CancellationTokenSource();

        var run = poller.RunAsync((batch, _) => { foreach (var m in batch) { received.Enqueue(m); } }, stop.Token);
        await Eventually.AdvanceUntilAsync(_time, TimeSpan.FromMilliseconds(20), () => !received.IsEmpty);
        await stop.CancelAsync();
        await run;

        var at = _receives.Select(r => r.At).ToArray();
        Assert.True(at.Length >= 3);
        Assert.InRange(at[1] - at[0], TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(600));
        Assert.InRange(at[2] - at[1], TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(800));
        Assert.Equal("m-1", Assert.Single(received).MessageId);
    }

    [Fact]
    public async Task Given_a_receive_succeeds_after_errors_When_the_next_error_comes_Then_the_backoff_starts_over()
    {
        ReceiveAnswers(
            () => throw new AmazonSQSException("a"),
            () => throw new AmazonSQSException("b"),
            () => new ReceiveMessageResponse(),
            () => throw new AmazonSQSException("c"),
            () => new ReceiveMessageResponse { Messages = [NewMessage(1)] });
        var received = 0;
        var poller = new SqsPoller(new AwsSqsTransport(_sqs.Object), Options(), isFifo: false, new ConcurrencyGate(10), _time, NullLogger.Instance);
        using var stop = new CancellationTokenSource();

        var run = poller.RunAsync((batch, _) => Interlocked.Add(ref received, batch.Count), stop.Token);
        await Eventually.AdvanceUntilAsync(_time, TimeSpan.FromMilliseconds(20), () => Volatile.Read(ref received) == 1);
        await stop.CancelAsync();
        await run;

        var at = _receives.Select(r => r.At).ToArray();
        Assert.InRange(at[4] - at[3], TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(390));
    }

    [Fact]
    public async Task Given_every_slot_is_taken_When_polling_Then_no_receive_is_made_until_a_slot_is_freed()
    {
        ReceiveAnswers(
            () => new ReceiveMessageResponse { Messages = [NewMessage(1), NewMessage(2)] },
            () => new ReceiveMessageResponse { Messages = [NewMessage(3)] });
        var gate = new ConcurrencyGate(2);
        var received = new ConcurrentQueue<SqsTransportMessage>();
        var poller = new SqsPoller(new AwsSqsTransport(_sqs.Object), Options(), isFifo: false, gate, _time, NullLogger.Instance);
        using var stop = new CancellationTokenSource();

        var run = poller.RunAsync((batch, _) => { foreach (var m in batch) { received.Enqueue(m); } }, stop.Token);
        await Eventually.TrueAsync(() => received.Count == 2);
        await Eventually.SettleAsync();
        Assert.Single(_receives);
        Assert.Equal(0, gate.Available);

        gate.Release(1);
        await Eventually.TrueAsync(() => received.Count == 3);
        await Eventually.SettleAsync();
        Assert.Equal(2, _receives.Count);
        await stop.CancelAsync();
        await run;

        var requests = _receives.Select(r => r.Request).ToArray();
        Assert.Equal(2, requests[0].MaxNumberOfMessages);
        Assert.Equal(1, requests[1].MaxNumberOfMessages);
    }

    [Fact]
    public async Task Given_a_batch_window_When_only_some_slots_are_free_Then_the_poller_waits_the_window_before_a_partial_receive()
    {
        ReceiveAnswers(() => new ReceiveMessageResponse { Messages = [.. Enumerable.Range(1, 10).Select(NewMessage)] });
        var gate = new ConcurrencyGate(10);
        var received = 0;
        var poller = new SqsPoller(new AwsSqsTransport(_sqs.Object), Options(batchWindow: TimeSpan.FromMilliseconds(10)), isFifo: false, gate, _time, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var run = poller.RunAsync((batch, _) => Interlocked.Add(ref received, batch.Count), stop.Token);
        await Eventually.TrueAsync(() => Volatile.Read(ref received) == 10);

        var freedAt = _time.GetUtcNow();
        gate.Release(3);
        await Eventually.SettleAsync();
        Assert.Single(_receives);

        await Eventually.AdvanceUntilAsync(_time, TimeSpan.FromMilliseconds(1), () => _receives.Count == 2);
        await stop.CancelAsync();
        await run;

        var second = _receives.Last();
        Assert.Equal(3, second.Request.MaxNumberOfMessages);
        Assert.True(second.At - freedAt >= TimeSpan.FromMilliseconds(10));
    }

    [Fact]
    public async Task Given_a_batch_window_When_every_slot_comes_free_within_it_Then_the_poller_receives_a_full_batch_at_once()
    {
        ReceiveAnswers(() => new ReceiveMessageResponse { Messages = [.. Enumerable.Range(1, 10).Select(NewMessage)] });
        var gate = new ConcurrencyGate(10);
        var received = 0;
        var poller = new SqsPoller(new AwsSqsTransport(_sqs.Object), Options(batchWindow: TimeSpan.FromSeconds(1)), isFifo: false, gate, _time, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var run = poller.RunAsync((batch, _) => Interlocked.Add(ref received, batch.Count), stop.Token);
        await Eventually.TrueAsync(() => Volatile.Read(ref received) == 10);

        gate.Release(4);
        await Eventually.SettleAsync();
        gate.Release(6);
        await Eventually.TrueAsync(() => _receives.Count == 2);
        await stop.CancelAsync();
        await run;

        Assert.Equal(10, _receives.Last().Request.MaxNumberOfMessages);
    }

    [Fact]
    public async Task Given_a_receive_When_it_is_sent_Then_it_long_polls_with_the_visibility_timeout_and_asks_for_every_attribute()
    {
        ReceiveAnswers();
        var poller = new SqsPoller(new AwsSqsTransport(_sqs.Object), Options(maxMessages: 4), isFifo: false, new ConcurrencyGate(10), _time, NullLogger.Instance);
        using var stop = new CancellationTokenSource();

        var run = poller.RunAsync((_, _) => { }, stop.Token);
        await Eventually.TrueAsync(() => !_receives.IsEmpty);
        await stop.CancelAsync();
        await run;

        var request = _receives.Single().Request;
        Assert.Equal(4, request.MaxNumberOfMessages);
        Assert.Equal(20, request.WaitTimeSeconds);
        Assert.Equal(7, request.VisibilityTimeout);
        Assert.Contains("All", request.MessageSystemAttributeNames);
        Assert.Contains("All", request.MessageAttributeNames);
        Assert.Null(request.ReceiveRequestAttemptId);
    }

    [Fact]
    public async Task Given_a_fifo_queue_When_a_receive_fails_Then_the_retry_reuses_its_attempt_id_and_the_next_receive_gets_a_new_one()
    {
        ReceiveAnswers(
            () => throw new AmazonSQSException("lost response"),
            () => new ReceiveMessageResponse { Messages = [NewMessage(1)] });
        var received = 0;
        var poller = new SqsPoller(new AwsSqsTransport(_sqs.Object), Options(), isFifo: true, new ConcurrencyGate(10), _time, NullLogger.Instance);
        using var stop = new CancellationTokenSource();

        var run = poller.RunAsync((batch, _) => Interlocked.Add(ref received, batch.Count), stop.Token);
        await Eventually.AdvanceUntilAsync(_time, TimeSpan.FromMilliseconds(20), () => _receives.Count >= 3);
        await stop.CancelAsync();
        await run;

        var ids = _receives.Select(r => r.Request.ReceiveRequestAttemptId).ToArray();
        Assert.NotNull(ids[0]);
        Assert.Equal(ids[0], ids[1]);
        Assert.NotEqual(ids[1], ids[2]);
    }

    [Fact]
    public async Task Given_a_null_message_list_When_the_queue_is_empty_Then_the_poller_keeps_polling()
    {
        ReceiveAnswers(() => new ReceiveMessageResponse { Messages = null }, () => new ReceiveMessageResponse { Messages = null });
        var gate = new ConcurrencyGate(3);
        var poller = new SqsPoller(new AwsSqsTransport(_sqs.Object), Options(), isFifo: false, gate, _time, NullLogger.Instance);
        using var stop = new CancellationTokenSource();

        var run = poller.RunAsync((_, _) => throw new InvalidOperationException("no message expected"), stop.Token);
        await Eventually.TrueAsync(() => _receives.Count >= 3);
        await stop.CancelAsync();
        await run;

        Assert.Equal(3, gate.Available);
    }

    [Fact]
    public async Task Given_stop_is_requested_When_a_long_poll_is_under_way_Then_the_poller_ends_and_gives_its_slots_back()
    {
        ReceiveAnswers();
        var gate = new ConcurrencyGate(5);
        var poller = new SqsPoller(new AwsSqsTransport(_sqs.Object), Options(), isFifo: false, gate, _time, NullLogger.Instance);
        using var stop = new CancellationTokenSource();

        var run = poller.RunAsync((_, _) => { }, stop.Token);
        await Eventually.TrueAsync(() => !_receives.IsEmpty);
        Assert.Equal(0, gate.Available);
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(5, gate.Available);
    }
}
