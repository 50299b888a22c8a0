using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Testing.Storm.Internal;

/// <summary>
/// A consumer process's logger factory: forwards everything to the storm's own factory and reads three entries the
/// worker writes for every message it gives up on: the pipeline's "message failed" (with the typed error) and
/// "response not stored", and the heartbeat's "lease or visibility lost".
/// </summary>
internal sealed class StormLoggerFactory(StormProcess process, IStormObserver observer, ILoggerFactory forward) : ILoggerFactory
{
    private const int MessageFailed = 100;
    private const int ResponseNotStored = 101;
    private const int HeartbeatLost = 1201;

    private const string PipelineCategory = "IdempotentConsumer.Pipeline";
    private const string HeartbeatCategory = "IdempotentConsumer.Hosting.VisibilityHeartbeat";

    public ILogger CreateLogger(string categoryName) => new Observing(this, categoryName, forward.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("The storm's per-process logger factory takes no providers.");

    public void Dispose()
    {
        // The forwarded factory belongs to the storm's caller.
    }

    private void Observe(string category, EventId eventId, Exception? exception)
    {
        var attempt = process.Current;
        if (attempt is null)
        {
            return;
        }

        switch (eventId.Id)
        {
            case MessageFailed when category == PipelineCategory:
                observer.OnFailure(attempt, exception);
                break;
            case ResponseNotStored when category == PipelineCategory:
                observer.OnResponseNotStored();
                break;
            case HeartbeatLost when category == HeartbeatCategory:
                observer.OnLeaseLost(attempt);
                break;
        }
    }

    private sealed class Observing(StormLoggerFactory owner, string category, ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        // Always on: the storm must see the entries it counts whatever the caller's level.
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            owner.Observe(category, eventId, exception);
            if (inner.IsEnabled(logLevel))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
