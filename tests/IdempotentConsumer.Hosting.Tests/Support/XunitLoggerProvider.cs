using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace IdempotentConsumer.Hosting.Tests.Support;

/// <summary>Writes the worker's logs to the test's output, so a failure shows what the hosts did.</summary>
public sealed class XunitLoggerProvider(ITestOutputHelper output, string host) : ILoggerProvider
{
    private readonly DateTime _start = DateTime.UtcNow;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public void Dispose()
    {
    }

    private void Write(string line)
    {
        try
        {
            output.WriteLine($"{(DateTime.UtcNow - _start).TotalSeconds,7:F3} [{host}] {line}");
        }
        catch (InvalidOperationException)
        {
            // The test already finished; a late log line from a stopping host has nowhere to go.
        }
    }

    private sealed class Logger(XunitLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write($"{logLevel,-11} {category}: {formatter(state, exception)}{(exception is null ? "" : " | " + exception.GetType().Name + ": " + exception.Message)}");
            }
        }
    }
}
