using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IdempotentConsumer.Testing.Storm.Internal;

/// <summary>
/// One consumer "process": the hosted worker (<c>AddSqsConsumer</c>) in a service provider of its own, over wrappers
/// of the shared store and queue that die with it. A crash makes every later store and queue call of the process
/// throw, so nothing it would still do (release the record, make the message visible again, extend a lease) happens:
/// the record stays in progress until its lease lapses and the message comes back after its visibility timeout.
/// </summary>
internal sealed class StormProcess : IAsyncDisposable
{
    private readonly TaskCompletionSource _died = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ServiceProvider _services;
    private readonly IHostedService[] _hosted;
    private volatile StormAttempt? _current;
    private volatile bool _dead;
    private volatile bool _partitioned;

    public StormProcess(int slot, Func<StormProcess, IServiceCollection> compose)
    {
        Slot = slot;
        _services = compose(this).BuildServiceProvider();
        _hosted = [.. _services.GetServices<IHostedService>()];
    }

    /// <summary>Which consumer slot this process fills (a crashed process is replaced in the same slot).</summary>
    public int Slot { get; }

    /// <summary>The attempt the process holds (its latest receive).</summary>
    public StormAttempt? Current
    {
        get => _current;
        set => _current = value;
    }

    /// <summary>True once the process crashed.</summary>
    public bool IsDead => _dead;

    /// <summary>Completes when the process crashed.</summary>
    public Task Died => _died.Task;

    /// <summary>Completes when the process's handler stalled: the slot gets a fresh process while this one hangs.</summary>
    public Task Stalled => _stalled.Task;

    /// <summary>
    /// While true the process cannot reach the store or the queue (a stalled, partitioned machine): its heartbeat
    /// fails, so its lease and visibility lapse while its handler still runs.
    /// </summary>
    public bool IsPartitioned
    {
        get => _partitioned;
        set
        {
            _partitioned = value;
            if (value)
            {
                _stalled.TrySetResult();
            }
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var hosted in _hosted)
        {
            await hosted.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Kills the process at <paramref name="point"/>; the returned exception unwinds the call that crashed.</summary>
    public SimulatedCrashException Crash(StormCrashPoint point)
    {
        if (_current is { } attempt)
        {
            attempt.Crashed = true;
        }

        _dead = true;
        _died.TrySetResult();
        return new SimulatedCrashException(point);
    }

    /// <summary>Every store and queue call of a dead process fails, as the process is gone.</summary>
    public void ThrowIfDead()
    {
        if (_dead)
        {
            throw new SimulatedCrashException(StormCrashPoint.AfterSideEffect);
        }
    }

    /// <summary>Calls a partitioned process makes time out.</summary>
    public void ThrowIfPartitioned()
    {
        if (_partitioned)
        {
            throw new TimeoutException("The consumer process is stalled and cannot reach the store or the queue.");
        }
    }

    /// <summary>Stops the worker; <paramref name="cancellationToken"/> is the host's shutdown timeout.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var hosted in _hosted)
        {
            await hosted.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
