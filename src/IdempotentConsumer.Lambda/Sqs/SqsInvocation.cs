using Amazon.Lambda.Core;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>One invocation of the batch processor: its Lambda context, where its entries go, and its in-batch key registry.</summary>
internal sealed record SqsInvocation(ILambdaContext Context, ILogger Logger, string RequestId)
{
    public InBatchDuplicates Duplicates { get; } = new();
}
