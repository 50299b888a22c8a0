using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace IdempotentConsumer.Hosting.Bench;

/// <summary>A real client that counts the calls a run makes, to report SQS calls per message.</summary>
public sealed class CountingSqsClient(AWSCredentials credentials, AmazonSQSConfig config) : AmazonSQSClient(credentials, config)
{
    private long _receives;
    private long _received;
    private long _deletes;
    private long _visibilityChanges;

    public (long Receives, long Received, long Deletes, long VisibilityChanges) TakeCounts() => (
        Interlocked.Exchange(ref _receives, 0),
        Interlocked.Exchange(ref _received, 0),
        Interlocked.Exchange(ref _deletes, 0),
        Interlocked.Exchange(ref _visibilityChanges, 0));

    public override async Task<ReceiveMessageResponse> ReceiveMessageAsync(ReceiveMessageRequest request, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _receives);
        var response = await base.ReceiveMessageAsync(request, cancellationToken);
        Interlocked.Add(ref _received, response.Messages?.Count ?? 0);
        return response;
    }

    public override Task<DeleteMessageBatchResponse> DeleteMessageBatchAsync(DeleteMessageBatchRequest request, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _deletes);
        return base.DeleteMessageBatchAsync(request, cancellationToken);
    }

    public override Task<ChangeMessageVisibilityResponse> ChangeMessageVisibilityAsync(ChangeMessageVisibilityRequest request, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _visibilityChanges);
        return base.ChangeMessageVisibilityAsync(request, cancellationToken);
    }
}
