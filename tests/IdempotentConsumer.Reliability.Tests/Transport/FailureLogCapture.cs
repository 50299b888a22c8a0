using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Reliability.Tests.Transport;

/// <summary>
/// Collects the pipeline's "message failed" log entries (event 100) with their exceptions: the worker surfaces
/// every failure there, typed, before it puts the message back on the queue.
/// </summary>
internal sealed class FailureLogCapture(Action<string, Exception?> onFailure) : ILoggerProvider
{
    public const int MessageFailedEventId = 100;

    public ConcurrentQueue<(string MessageId, Exception? Error)> Failures { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Capture(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Capture(FailureLogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id != MessageFailedEventId || category != "IdempotentConsumer.Pipeline")
            {
                return;
            }

            var messageId = state is IReadOnlyList<KeyValuePair<string, object?>> values
                ? values.FirstOrDefault(v => v.Key == "MessageId").Value?.ToString() ?? string.Empty
                : string.Empty;
            owner.Failures.Enqueue((messageId, exception));
            owner.OnFailure(messageId, exception);
        }
    }

    private void OnFailure(string messageId, Exception? error) => onFailure(messageId, error);
}
