using System.Collections.Concurrent;

namespace IdempotentConsumer.Lambda.Tests.Support;

/// <summary>Counts the handler's side effects per key (the "shipments"), and measures concurrency.</summary>
public sealed class SideEffects
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private int _active;
    private int _maxActive;

    public int this[string key] => _counts.GetValueOrDefault(key);

    public int Total => _counts.Values.Sum();

    public IReadOnlyList<string> Order => [.. _order];

    public int MaxConcurrent => Volatile.Read(ref _maxActive);

    public void Record(string key)
    {
        _counts.AddOrUpdate(key, 1, (_, n) => n + 1);
        _order.Enqueue(key);
    }

    /// <summary>Marks a handler as running until the returned scope is disposed.</summary>
    public IDisposable Enter()
    {
        var now = Interlocked.Increment(ref _active);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxActive)) && Interlocked.CompareExchange(ref _maxActive, now, seen) != seen)
        {
        }

        return new Exit(this);
    }

    private sealed class Exit(SideEffects owner) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref owner._active);
    }
}
