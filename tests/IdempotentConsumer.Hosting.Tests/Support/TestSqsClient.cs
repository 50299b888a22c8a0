using System.Collections.Concurrent;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace IdempotentConsumer.Hosting.Tests.Support;

/// <summary>
/// A real client to fauxqs that counts deliveries and can "crash": after <see cref="Crash"/> no call reaches the
/// queue any more, as when the process dies (every call fails at once, so the test need not wait for timeouts).
/// </summary>
public sealed class TestSqsClient(AWSCredentials credentials, AmazonSQSConfig config) : AmazonSQSClient(credentials, config)
{
    private volatile bool _crashed;

    /// <summary>How often each message id was delivered to this client.</summary>
    public ConcurrentDictionary<string, int> Deliveries { get; } = new(StringComparer.Ordinal);

    /// <summary>How many messages each non-empty receive returned, in order.</summary>
    public ConcurrentQueue<int> ReceiveSizes { get; } = new();

    public int DeleteCalls;

    public int VisibilityChanges;

    public void Crash() => _crashed = true;

    public override async Task<ReceiveMessageResponse> ReceiveMessageAsync(ReceiveMessageRequest request, CancellationToken cancellationToken = default)
    {
        ThrowIfCrashed();
        var response = await base.ReceiveMessageAsync(request, cancellationToken);
        if (response.Messages is { Count: > 0 } received)
        {
            ReceiveSizes.Enqueue(received.Count);
        }

        foreach (var message in response.Messages ?? [])
        {
            Deliveries.AddOrUpdate(message.MessageId, 1, static (_, n) => n + 1);
        }

        return response;
    }

    public override async Task<DeleteMessageBatchResponse> DeleteMessageBatchAsync(DeleteMessageBatchRequest request, CancellationToken cancellationToken = default)
    {
        ThrowIfCrashed();
        Interlocked.Increment(ref DeleteCalls);
        return await base.DeleteMessageBatchAsync(request, cancellationToken);
    }

    public override async Task<ChangeMessageVisibilityResponse> ChangeMessageVisibilityAsync(ChangeMessageVisibilityRequest request, CancellationToken cancellationToken = default)
    {
        ThrowIfCrashed();
        Interlocked.Increment(ref VisibilityChanges);
        return await base.ChangeMessageVisibilityAsync(request, cancellationToken);
    }

    private void ThrowIfCrashed()
    {
        if (_crashed)
        {
            throw new HttpRequestException("The consumer process has crashed: nothing reaches the queue.");
        }
    }
}
