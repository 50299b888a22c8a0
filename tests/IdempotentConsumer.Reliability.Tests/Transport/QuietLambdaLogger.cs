using Amazon.Lambda.Core;

namespace IdempotentConsumer.Reliability.Tests.Transport;

/// <summary>Discards what the function writes to its context logger (the storms are loud by design).</summary>
internal sealed class QuietLambdaLogger : ILambdaLogger
{
    public void Log(string message)
    {
    }

    public void LogLine(string message)
    {
    }
}
