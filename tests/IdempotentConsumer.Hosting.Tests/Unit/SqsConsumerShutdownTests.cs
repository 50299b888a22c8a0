using System.Collections.Concurrent;
using Amazon.SQS;
using Amazon.SQS.Model;
using IdempotentConsumer.Hosting.Options;
using IdempotentConsumer.Hosting.Tests.Support;
using IdempotentConsumer.Hosting.Transport;
using IdempotentConsumer.Hosting.Worker;
using IdempotentConsumer.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Xunit;

namespace IdempotentConsumer.Hosting.Tests.Unit;

public sealed class SqsConsumerShutdownTests
{
    private readonly Mock<IAmazonSQS> _sqs = new();
    private readonly ConcurrentQueue<(string ReceiptHandle, int Seconds)> _visibility = new();
    private int _receives;

    public SqsConsumerShutdownTests()
    {
        _sqs.Setup(s => s.GetQueueAttributesAsync(It.IsAny<GetQueueAttributesRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new GetQueueAttributesResponse());
        _sqs.Setup(s => s.ReceiveMessageAsync(It.IsAny<ReceiveMessageRequest>(), It.IsAny<CancellationToken>()))
            .Returns(async (ReceiveMessageRequest _, CancellationToken token) =>
            {
                if (Interlocked.Increment(ref _receives) == 1)
                {
                    return new ReceiveMessageResponse { Messages = [new Message { MessageId = "m-1", ReceiptHandle = "rh-1", Body = "\"payload\"" }] };
                }

                await Task.Delay(Timeout.Infinite, token);
                return new ReceiveMessageResponse();
            });
        _sqs.Setup(s => s.ChangeMessageVisibilityAsync(It.IsAny<ChangeMessageVisibilityRequest>(), It.IsAny<CancellationToken>()))
            .Returns((ChangeMessageVisibilityRequest request, CancellationToken _) =>
            {
                _visibility.Enqueue((request.ReceiptHandle, request.VisibilityTimeout ?? -1));
                return Task.FromResult(new ChangeMessageVisibilityResponse());
            });
    }

    private SqsConsumer<string> Create(Func<string, MessageContext<string>, CancellationToken, ValueTask> handler)
    {
        var options = new SqsConsumerOptions
        {
            QueueUrl = "http://127.0.0.1:1/000000000000/q",
            VisibilityTimeout = TimeSpan.FromSeconds(30),
            HandBackTimeout = TimeSpan.FromMilliseconds(300),
            ReceiveBatchWindow = TimeSpan.Zero,
        };
        var pipeline = new MessagePipelineBuilder<string>().Build(handler);
        var scopes = new ServiceCollection().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>();
        return new SqsConsumer<string>("q", options, new AwsSqsTransport(_sqs.Object), pipeline, null, null, scopes, TimeProvider.System, NullLoggerFactory.Instance);
    }

    [Fact]
    public async Task Given_a_handler_that_ignores_cancellation_When_shutdown_gives_up_Then_its_message_is_handed_back_without_waiting_for_it()
    {
        var started = new TaskCompletionSource();
        var neverEnds = new TaskCompletionSource();
        var consumer = Create(async (_, _, _) =>
        {
            started.TrySetResult();
            await neverEnds.Task;
        });
        using var stop = new CancellationTokenSource();
        var run = consumer.RunAsync(stop.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(5));

        await stop.CancelAsync();
        await Eventually.SettleAsync();
        Assert.False(run.IsCompleted, "in-flight work is waited for until the host's deadline");

        consumer.AbandonInFlight();
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(("rh-1", 0), Assert.Single(_visibility));
        Assert.Equal(0, consumer.Outstanding);
        neverEnds.SetResult();
    }

    [Fact]
    public async Task Given_a_handler_that_honours_cancellation_When_shutdown_gives_up_Then_its_message_is_handed_back_once()
    {
        var started = new TaskCompletionSource();
        var cancelled = 0;
        var consumer = Create(async (_, _, token) =>
        {
            started.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, token);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref cancelled);
                throw;
            }
        });
        using var stop = new CancellationTokenSource();
        var run = consumer.RunAsync(stop.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(5));

        await stop.CancelAsync();
        consumer.AbandonInFlight();
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(1, cancelled);
        Assert.Equal(("rh-1", 0), Assert.Single(_visibility));
        _sqs.Verify(s => s.DeleteMessageBatchAsync(It.IsAny<DeleteMessageBatchRequest>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Given_a_handler_that_finishes_before_the_deadline_When_stopping_Then_it_is_deleted_and_nothing_is_handed_back()
    {
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        _sqs.Setup(s => s.DeleteMessageBatchAsync(It.IsAny<DeleteMessageBatchRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((DeleteMessageBatchRequest request, CancellationToken _) => new DeleteMessageBatchResponse
            {
                Successful = request.Entries.Select(e => new DeleteMessageBatchResultEntry { Id = e.Id }).ToList(),
            });
        var consumer = Create(async (_, _, _) =>
        {
            started.TrySetResult();
            await release.Task;
        });
        using var stop = new CancellationTokenSource();
        var run = consumer.RunAsync(stop.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(5));

        await stop.CancelAsync();
        release.SetResult();
        await run.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Empty(_visibility);
        _sqs.Verify(s => s.DeleteMessageBatchAsync(It.Is<DeleteMessageBatchRequest>(r => r.Entries.Single().ReceiptHandle == "rh-1"), It.IsAny<CancellationToken>()), Times.Once);
    }
}
