using CsCheck;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.Time.Testing;

namespace IdempotentConsumer.Reliability.Tests.Properties;

/// <summary>
/// A model-based check of the executor under random concurrent duplicates. All calls of a run start at once.
/// The model: a key completes at most once within its expiry; every replay returns that completion's result;
/// the handler runs only for calls that took the key (so invocations = executed + handler errors + calls
/// whose late completion was rejected); a call is only ever answered by one of the typed outcomes; and
/// afterwards no key is left in progress, and one more call per key replays the completion or executes.
/// </summary>
public static class ExecutorModel
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);

    /// <summary>Up to 24 calls over up to 4 keys, mostly succeeding, some throwing, a few stalling past their lease.</summary>
    public static Gen<ExecutorCall[]> Calls { get; } = Gen.Select(
            Gen.Int[0, 3],
            Gen.Frequency((6, Gen.Const(HandlerAction.Succeed)), (2, Gen.Const(HandlerAction.Throw)), (1, Gen.Const(HandlerAction.StallPastLease))),
            Gen.Int[0, 2],
            (key, action, delay) => new ExecutorCall(key, action, delay))
        .Array[1, 24];

    /// <summary>Formats a run for a failure report.</summary>
    public static string Print(ExecutorCall[] calls) => string.Join(", ", calls.Select((c, i) => $"#{i} {c}"));

    /// <summary>Runs the calls concurrently through an executor over <paramref name="store"/> and checks the model.</summary>
    public static async Task RunAsync(IIdempotencyStore store, ExecutorCall[] calls)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var executor = new IdempotencyExecutor(store, new IdempotencyOptions { KeyPrefix = "model", RecordExpiry = TimeSpan.FromHours(1), InProgressLease = Lease }, clock);
        var run = Guid.NewGuid().ToString("N");
        var keyCount = calls.Max(c => c.Key) + 1;
        var invocations = new int[keyCount];
        var anyStall = calls.Any(c => c.Action == HandlerAction.StallPastLease);
        using var start = new ManualResetEventSlim(false);

        var tasks = calls.Select((call, index) => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                var outcome = await executor.ExecuteAsync(
                    new IdempotencyInvocation<string>($"{run}-order-{call.Key}"),
                    (call, index),
                    async (c, ct) =>
                    {
                        var (me, myIndex) = c.State;
                        Interlocked.Increment(ref invocations[me.Key]);
                        await Task.Delay(me.DelayMs, ct);
                        switch (me.Action)
                        {
                            case HandlerAction.Throw:
                                throw new InvalidOperationException($"handler #{myIndex} failed");
                            case HandlerAction.StallPastLease:
                                clock.Advance(Lease + TimeSpan.FromSeconds(1));
                                break;
                        }

                        return $"result of #{myIndex}";
                    });
                return new CallResult(index, outcome.Kind, outcome.Value, null);
            }
            catch (Exception ex)
            {
                return new CallResult(index, null, null, ex);
            }
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(tasks);

        for (var key = 0; key < keyCount; key++)
        {
            var mine = results.Where(r => calls[r.Index].Key == key).ToList();
            var executed = mine.Where(r => r.Kind == IdempotencyOutcomeKind.Executed).ToList();
            if (executed.Count > 1)
            {
                throw new PropertyViolation($"k{key} completed {executed.Count} times: {string.Join(", ", executed.Select(e => "#" + e.Index))}.");
            }

            foreach (var result in mine)
            {
                var call = calls[result.Index];
                switch (result)
                {
                    case { Kind: IdempotencyOutcomeKind.Executed } when result.Value != $"result of #{result.Index}":
                        throw new PropertyViolation($"#{result.Index} executed but returned '{result.Value}'.");
                    case { Kind: IdempotencyOutcomeKind.Replayed } when executed.Count == 0 || result.Value != executed[0].Value:
                        throw new PropertyViolation($"#{result.Index} replayed '{result.Value}', but k{key} completed with '{executed.FirstOrDefault()?.Value ?? "nothing"}'.");
                    case { Kind: IdempotencyOutcomeKind.Unguarded }:
                        throw new PropertyViolation($"#{result.Index} ran unguarded although its payload has a key.");
                    case { Kind: null, Error: InvalidOperationException } when call.Action != HandlerAction.Throw:
                        throw new PropertyViolation($"#{result.Index} failed with its handler's error but its handler does not throw.");
                    case { Kind: null, Error: IdempotencyStaleOwnerException } when !anyStall:
                        throw new PropertyViolation($"#{result.Index} was a stale owner although no lease lapsed.");
                    case { Kind: null, Error: not (InvalidOperationException or IdempotencyStaleOwnerException or IdempotencyAlreadyInProgressException) }:
                        throw new PropertyViolation($"#{result.Index} failed with an unexpected {result.Error!.GetType().Name}: {result.Error.Message}");
                }
            }

            var handlerRan = mine.Count(r => r.Kind == IdempotencyOutcomeKind.Executed || r.Error is InvalidOperationException or IdempotencyStaleOwnerException);
            if (handlerRan != invocations[key])
            {
                throw new PropertyViolation($"k{key}: the handler ran {invocations[key]} times, but {handlerRan} calls took the key.");
            }

            var drained = await executor.ExecuteAsync(
                new IdempotencyInvocation<string>($"{run}-order-{key}"),
                0,
                (_, _) => ValueTask.FromResult("drain"));
            var expected = executed.Count == 1 ? (IdempotencyOutcomeKind.Replayed, executed[0].Value) : (IdempotencyOutcomeKind.Executed, "drain");
            if ((drained.Kind, drained.Value) != expected)
            {
                throw new PropertyViolation($"k{key}: after the storm a call got {drained.Kind} '{drained.Value}', expected {expected.Item1} '{expected.Item2}'.");
            }

            var record = await store.GetAsync(drained.Key!);
            if (record?.Status != IdempotencyRecordStatus.Completed)
            {
                throw new PropertyViolation($"k{key}: after the drain the record is {record?.Status.ToString() ?? "missing"}.");
            }
        }
    }

    private sealed record CallResult(int Index, IdempotencyOutcomeKind? Kind, string? Value, Exception? Error);
}
