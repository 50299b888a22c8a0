using System.Collections.Concurrent;
using Amazon.SQS;
using Amazon.SQS.Model;
using IdempotentConsumer.Hosting.Tests.Support;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Sqs.Producer.Options;
using IdempotentConsumer.Sqs.Producer.Sending;
using Moq;

namespace IdempotentConsumer.Hosting.Tests.Unit.Producer;

/// <summary>Senders over a scripted SQS client that records every SendMessageBatch request.</summary>
internal sealed class SqsSenders
{
    public const string StandardQueue = "http://127.0.0.1:1/000000000000/orders";
    public const string FifoQueue = "http://127.0.0.1:1/000000000000/orders.fifo";

    public Mock<IAmazonSQS> Sqs { get; } = new(MockBehavior.Strict);

    public ConcurrentQueue<SendMessageBatchRequest> Requests { get; } = new();

    /// <summary>Decides each entry's fate per request (null: accepted); default: every entry accepted.</summary>
    public Func<SendMessageBatchRequestEntry, BatchResultErrorEntry?> Fail { get; set; } = _ => null;

    public SqsSenders() =>
        Sqs.Setup(s => s.SendMessageBatchAsync(It.IsAny<SendMessageBatchRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((SendMessageBatchRequest request, CancellationToken _) =>
            {
                Requests.Enqueue(request);
                var response = new SendMessageBatchResponse { Successful = [], Failed = [] };
                foreach (var entry in request.Entries)
                {
                    if (Fail(entry) is { } failure)
                    {
                        failure.Id = entry.Id;
                        response.Failed.Add(failure);
                    }
                    else
                    {
                        response.Successful.Add(new SendMessageBatchResultEntry { Id = entry.Id, MessageId = Guid.NewGuid().ToString() });
                    }
                }

                return response;
            });

    public static SqsSenderOptions Options(string queueUrl = StandardQueue, Action<SqsSenderOptions>? configure = null)
    {
        var options = new SqsSenderOptions
        {
            QueueUrl = queueUrl,
            KeyPrefix = WorkerHosts.KeyPrefix,
            KeySource = IdempotencyKeySource.From<Order>(o => o.OrderId),
            InitialRetryDelay = TimeSpan.Zero,
            MaxRetryDelay = TimeSpan.Zero,
            UseJitter = false,
        };
        configure?.Invoke(options);
        return options;
    }

    public IdempotentSqsSender<Order> Create(string queueUrl = StandardQueue, Action<SqsSenderOptions>? configure = null, TimeProvider? time = null) =>
        new(Sqs.Object, Options(queueUrl, configure), o => o.UserId, time);
}
