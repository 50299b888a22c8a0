using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace IdempotentConsumer.Reliability.Tests.Transport;

/// <summary>
/// A real SQS client (to fauxqs) whose deletes are sometimes lost on the way: the consumer is told the delete
/// succeeded, the queue never got it, and the message comes back when its visibility timeout lapses.
/// </summary>
internal sealed class LossySqsClient(AWSCredentials credentials, AmazonSQSConfig config, double lossRate, int seed) : AmazonSQSClient(credentials, config)
{
    private readonly Random _random = new(seed);
    private readonly Lock _sync = new();
    private int _lost;

    public int LostDeletes => Volatile.Read(ref _lost);

    public override async Task<DeleteMessageBatchResponse> DeleteMessageBatchAsync(DeleteMessageBatchRequest request, CancellationToken cancellationToken = default)
    {
        var kept = new List<DeleteMessageBatchRequestEntry>(request.Entries.Count);
        foreach (var entry in request.Entries)
        {
            bool lose;
            lock (_sync)
            {
                lose = _random.NextDouble() < lossRate;
            }

            if (lose)
            {
                Interlocked.Increment(ref _lost);
            }
            else
            {
                kept.Add(entry);
            }
        }

        var response = kept.Count == 0
            ? new DeleteMessageBatchResponse { Successful = [], Failed = [] }
            : await base.DeleteMessageBatchAsync(new DeleteMessageBatchRequest { QueueUrl = request.QueueUrl, Entries = kept }, cancellationToken);
        var successful = new List<DeleteMessageBatchResultEntry>(response.Successful ?? []);
        successful.AddRange(request.Entries.Except(kept).Select(e => new DeleteMessageBatchResultEntry { Id = e.Id }));
        return new DeleteMessageBatchResponse { Successful = successful, Failed = response.Failed ?? [], HttpStatusCode = response.HttpStatusCode };
    }
}
