using System.Collections.Concurrent;
using Amazon.SQS;
using Amazon.SQS.Model;
using IdempotentConsumer.Hosting.Options;
using IdempotentConsumer.Hosting.Tests.Support;
using IdempotentConsumer.Hosting.Transport;
using IdempotentConsumer.Hosting.Worker;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Xunit;

namespace IdempotentConsumer.Hosting.Tests.Unit;

public sealed class DeleteBatcherTests
{
    private const string QueueUrl = "http://127.0.0.1:1/000000000000/orders";
    private readonly FakeTimeProvider _time = new();
    private readonly Mock<IAmazonSQS> _sqs = new(MockBehavior.Strict);
    private readonly ConcurrentQueue<(string[] ReceiptHandles, DateTimeOffset At)> _calls = new();

    private DeleteBatcher Create(TimeSpan? flush = null, int maxAttempts = 3) => new(
        new AwsSqsTransport(_sqs.Object),
        QueueUrl,
        new SqsDeleteBatchOptions { MaxBatchSize = 10, FlushInterval = flush ?? TimeSpan.FromMilliseconds(50), MaxAttempts = maxAttempts },
        new SqsErrorBackoffOptions { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(1) },
        _time,
        NullLogger.Instance);

    private void DeleteAnswers(params Func<DeleteMessageBatchRequest, DeleteMessageBatchResponse>[] answers)
    {
        var index = -1;
        _sqs.Setup(s => s.DeleteMessageBatchAsync(It.IsAny<DeleteMessageBatchRequest>(), It.IsAny<CancellationToken>()))
            .Returns((DeleteMessageBatchRequest request, CancellationToken _) =>
            {
                Assert.Equal(QueueUrl, request.QueueUrl);
                _calls.Enqueue((request.Entries.Select(e => e.ReceiptHandle).ToArray(), _time.GetUtcNow()));
                var i = Interlocked.Increment(ref index);
                return Task.FromResult(i < answers.Length ? answers[i](request) : AllSucceeded(request));
            });
    }

    private static DeleteMessageBatchResponse AllSucceeded(DeleteMessageBatchRequest request) => new()
    {
        Successful = request.Entries.Select(e => new DeleteMessageBatchResultEntry { Id = e.Id }).ToList(),
    };

    [Fact]
    public async Task Given_25_finished_messages_When_flushed_Then_they_go_out_in_batches_of_at_most_ten()
    {
        DeleteAnswers();
        var batcher = Create();
        for (var i = 0; i < 25; i++)
        {
            Assert.True(batcher.Enqueue($"m-{i}", $"rh-{i}"));
        }

        batcher.Complete();
        await batcher.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));

        var sizes = _calls.Select(c => c.ReceiptHandles.Length).ToArray();
        Assert.Equal([10, 10, 5], sizes);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"rh-{i}"), _calls.SelectMany(c => c.ReceiptHandles));
    }

    [Fact]
    public async Task Given_a_partial_batch_When_the_flush_interval_passes_Then_it_is_sent_without_waiting_for_more()
    {
        DeleteAnswers();
        var batcher = Create(flush: TimeSpan.FromMilliseconds(50));
        var run = batcher.RunAsync(CancellationToken.None);
        var start = _time.GetUtcNow();
        batcher.Enqueue("m-1", "rh-1");
        batcher.Enqueue("m-2", "rh-2");
        batcher.Enqueue("m-3", "rh-3");

        await Eventually.SettleAsync();
        Assert.Empty(_calls);

        await Eventually.AdvanceUntilAsync(_time, TimeSpan.FromMilliseconds(5), () => !_calls.IsEmpty);
        var call = Assert.Single(_calls);
        Assert.Equal(["rh-1", "rh-2", "rh-3"], call.ReceiptHandles);
        Assert.True(call.At - start >= TimeSpan.FromMilliseconds(50));

        batcher.Complete();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Given_a_full_batch_When_it_fills_Then_it_is_sent_at_once_without_the_flush_interval()
    {
        DeleteAnswers();
        var batcher = Create(flush: TimeSpan.FromHours(1));
        var run = batcher.RunAsync(CancellationToken.None);

        for (var i = 0; i < 10; i++)
        {
            batcher.Enqueue($"m-{i}", $"rh-{i}");
        }

        await Eventually.TrueAsync(() => _calls.Count == 1);
        Assert.Equal(10, _calls.Single().ReceiptHandles.Length);
        batcher.Complete();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Given_the_delete_call_fails_When_batching_Then_it_retries_after_a_backoff()
    {
        DeleteAnswers(_ => throw new AmazonSQSException("outage"));
        var batcher = Create(flush: TimeSpan.Zero);
        var run = batcher.RunAsync(CancellationToken.None);
        batcher.Enqueue("m-1", "rh-1");

        await Eventually.AdvanceUntilAsync(_time, TimeSpan.FromMilliseconds(10), () => _calls.Count == 2);
        batcher.Complete();
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        var calls = _calls.ToArray();
        Assert.Equal(["rh-1"], calls[1].ReceiptHandles);
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Given_the_delete_keeps_failing_When_attempts_run_out_Then_the_batcher_gives_up_and_goes_on()
    {
        DeleteAnswers(_ => throw new AmazonSQSException("1"), _ => throw new AmazonSQSException("2"));
        var batcher = Create(flush: TimeSpan.Zero, maxAttempts: 2);
        var run = batcher.RunAsync(CancellationToken.None);
        batcher.Enqueue("m-1", "rh-1");
        await Eventually.AdvanceUntilAsync(_time, TimeSpan.FromMilliseconds(10), () => _calls.Count == 2);

        batcher.Enqueue("m-2", "rh-2");
        await Eventually.AdvanceUntilAsync(_time, TimeSpan.FromMilliseconds(10), () => _calls.Count == 3);
        batcher.Complete();
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(["rh-2"], _calls.Last().ReceiptHandles);
    }

    [Fact]
    public async Task Given_some_entries_fail_When_the_batch_returns_Then_only_server_side_failures_are_retried()
    {
        DeleteAnswers(request => new DeleteMessageBatchResponse
        {
            Successful = [new DeleteMessageBatchResultEntry { Id = request.Entries[0].Id }],
            Failed =
            [
                new BatchResultErrorEntry { Id = request.Entries[1].Id, Code = "InternalError", SenderFault = false },
                new BatchResultErrorEntry { Id = request.Entries[2].Id, Code = "ReceiptHandleIsInvalid", SenderFault = true },
            ],
        });
        var batcher = Create(flush: TimeSpan.FromHours(1));
        batcher.Enqueue("m-1", "rh-1");
        batcher.Enqueue("m-2", "rh-2");
        batcher.Enqueue("m-3", "rh-3");
        batcher.Complete();

        var run = batcher.RunAsync(CancellationToken.None);
        await Eventually.AdvanceUntilAsync(_time, TimeSpan.FromMilliseconds(10), () => _calls.Count == 2);
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(["rh-2"], _calls.Last().ReceiptHandles);
    }

    [Fact]
    public async Task Given_shutdown_gives_up_When_deletes_are_pending_Then_the_loop_ends_without_sending_them()
    {
        _sqs.Setup(s => s.DeleteMessageBatchAsync(It.IsAny<DeleteMessageBatchRequest>(), It.IsAny<CancellationToken>()))
            .Returns(async (DeleteMessageBatchRequest _, CancellationToken token) =>
            {
                await Task.Delay(Timeout.Infinite, token);
                return new DeleteMessageBatchResponse();
            });
        var batcher = Create(flush: TimeSpan.Zero);
        using var abort = new CancellationTokenSource();
        var run = batcher.RunAsync(abort.Token);
        batcher.Enqueue("m-1", "rh-1");
        batcher.Enqueue("m-2", "rh-2");

        await abort.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Given_the_batcher_is_complete_When_a_delete_is_queued_Then_it_is_refused()
    {
        var batcher = Create();
        batcher.Complete();

        Assert.False(batcher.Enqueue("m-1", "rh-1"));
    }
}
