using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace IdempotentConsumer.Hosting.Bench;

/// <summary>
/// Serves a backlog from memory through the SQS client API, with no network: running the worker on it measures the
/// worker's own cost per message (threads, scopes, pipeline, store), which the emulator runs cannot separate.
/// </summary>
public sealed class InProcessSqsClient() : AmazonSQSClient(new AnonymousAWSCredentials(), new AmazonSQSConfig { ServiceURL = "http://127.0.0.1:9" })
{
    private readonly ConcurrentQueue<Message> _backlog = new();

    public void Fill(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _backlog.Enqueue(new Message
            {
                MessageId = Guid.NewGuid().ToString(),
                ReceiptHandle = "rh-" + i.ToString(CultureInfo.InvariantCulture),
                Body = JsonSerializer.Serialize(new BenchMessage($"msg-{i}", $"customer-{i % 97}", i % 5 + 1), JsonSerializerOptions.Web),
                Attributes = new Dictionary<string, string> { ["ApproximateReceiveCount"] = "1" },
            });
        }
    }

    public override async Task<ReceiveMessageResponse> ReceiveMessageAsync(ReceiveMessageRequest request, CancellationToken cancellationToken = default)
    {
        var messages = new List<Message>();
        while (messages.Count < (request.MaxNumberOfMessages ?? 1) && _backlog.TryDequeue(out var message))
        {
            messages.Add(message);
        }

        if (messages.Count == 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(request.WaitTimeSeconds ?? 0), cancellationToken);
        }

        return new ReceiveMessageResponse { Messages = messages };
    }

    public override Task<DeleteMessageBatchResponse> DeleteMessageBatchAsync(DeleteMessageBatchRequest request, CancellationToken cancellationToken = default) =>
        Task.FromResult(new DeleteMessageBatchResponse { Successful = request.Entries.Select(e => new DeleteMessageBatchResultEntry { Id = e.Id }).ToList() });

    public override Task<ChangeMessageVisibilityResponse> ChangeMessageVisibilityAsync(ChangeMessageVisibilityRequest request, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ChangeMessageVisibilityResponse());

    public override Task<GetQueueAttributesResponse> GetQueueAttributesAsync(GetQueueAttributesRequest request, CancellationToken cancellationToken = default) =>
        Task.FromResult(new GetQueueAttributesResponse { Attributes = [] });
}
