using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Batching;

internal static partial class BatchPrecheckLog
{
    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Batch pre-check: reading {KeyCount} keys failed; the batch goes on without the read.")]
    public static partial void ReadFailed(ILogger logger, Exception exception, int keyCount);
}
