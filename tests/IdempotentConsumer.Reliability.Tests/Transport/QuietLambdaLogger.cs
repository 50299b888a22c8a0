using IdempotentConsumer.Lambda.Logging;

namespace IdempotentConsumer.Reliability.Tests.Transport;

/// <summary>Discards what the function writes to its context logger (the storms are loud by design).</summary>
internal sealed class QuietLambdaLogger : LambdaLoggerBase
{
    public override void Log(string message)
    {
    }

    public override void LogLine(string message)
    {
    }
}
