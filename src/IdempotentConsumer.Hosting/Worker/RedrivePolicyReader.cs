using IdempotentConsumer.Sqs.Transport;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Hosting.Worker;

/// <summary>Reads <c>maxReceiveCount</c> from a queue's redrive policy, so the consumer knows when the DLQ takes over.</summary>
internal static partial class RedrivePolicyReader
{
    /// <returns>The count, or null when the queue has no redrive policy or it cannot be read (not fatal).</returns>
    public static async Task<int?> TryReadMaxReceiveCountAsync(ISqsTransport sqs, string queueUrl, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            var attributes = await sqs.GetQueueAttributesAsync(queueUrl, cancellationToken).ConfigureAwait(false);
            return attributes.MaxReceiveCount;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogUnreadable(logger, ex, queueUrl);
            return null;
        }
    }

    [LoggerMessage(EventId = 1400, Level = LogLevel.Information, Message = "Could not read the redrive policy of {QueueUrl}; set MaxReceiveCount to have poison messages reported.")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string queueUrl);
}
