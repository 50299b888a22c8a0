using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Lambda.Tests.Support;

/// <summary>
/// Wraps a store and counts the calls that reach it, by method name (<c>TryBeginAsync</c>, <c>CompleteAsync</c>, …).
/// A proxy rather than a hand-written wrapper, so it forwards whatever the store interface declares.
/// </summary>
public class CountingStore : DispatchProxy
{
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);
    private IIdempotencyStore _inner = null!;

    public int this[string method] => _calls.GetValueOrDefault(method);

    public int Total => _calls.Values.Sum();

    public static IIdempotencyStore Wrap(IIdempotencyStore inner, out CountingStore counter)
    {
        var proxy = Create<IIdempotencyStore, CountingStore>();
        counter = (CountingStore)(object)proxy;
        counter._inner = inner;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        _calls.AddOrUpdate(targetMethod.Name, 1, (_, n) => n + 1);
        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
    }
}
