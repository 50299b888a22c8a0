using CsCheck;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.Time.Testing;

namespace IdempotentConsumer.Reliability.Tests.Properties;

/// <summary>
/// Runs random interleavings of begin / complete / release / extend / time passing, across several owners
/// and keys, against any store, and checks each answer against a model of the record state machine:
/// <list type="bullet">
/// <item>a begin wins exactly when no record blocks it (none, expired, or an in-progress one whose lease lapsed);</item>
/// <item>a complete, release or extend by an attempt that no longer owns the record is rejected as a stale
/// owner and leaves the record exactly as it was;</item>
/// <item>after every step the stored record is the model's record;</item>
/// <item>no key ever holds two completed executions (by different attempts) within the first one's expiry.</item>
/// </list>
/// Where the contract leaves a choice (an owner whose lease lapsed but was not taken over may or may not
/// still complete; a begin at the exact instant a record or lease expires), the model accepts either and
/// follows the store.
/// </summary>
public static class StoreStateMachine
{
    /// <summary>Owners acting in an interleaving.</summary>
    public const int Owners = 3;

    /// <summary>Keys an interleaving touches.</summary>
    public const int Keys = 2;

    private static readonly Gen<StoreStep> Step = Gen.Frequency(
        (4, Gen.Select(Gen.Int[0, Owners - 1], Gen.Int[0, Keys - 1], Gen.Int[1, 5], Gen.Int[2, 20], (o, k, lease, expiry) => new StoreStep(StoreStepKind.Begin, o, k, lease, expiry))),
        (3, Gen.Select(Gen.Int[0, Owners - 1], Gen.Int[0, Keys - 1], Gen.Int[2, 20], (o, k, expiry) => new StoreStep(StoreStepKind.Complete, o, k, 0, expiry))),
        (2, Gen.Select(Gen.Int[0, Owners - 1], Gen.Int[0, Keys - 1], (o, k) => new StoreStep(StoreStepKind.Release, o, k, 0, 0))),
        (2, Gen.Select(Gen.Int[0, Owners - 1], Gen.Int[0, Keys - 1], Gen.Int[1, 5], (o, k, lease) => new StoreStep(StoreStepKind.Extend, o, k, lease, 0))),
        (3, Gen.Int[0, 6].Select(seconds => new StoreStep(StoreStepKind.Advance, 0, 0, seconds, 0))));

    /// <summary>Interleavings of 1 to 40 steps.</summary>
    public static Gen<StoreStep[]> Interleavings { get; } = Step.Array[1, 40];

    /// <summary>Formats an interleaving for a failure report.</summary>
    public static string Print(StoreStep[] steps) => string.Join(Environment.NewLine, steps.Select((s, i) => $"  {i,2}: {s}"));

    /// <summary>Runs one interleaving against <paramref name="store"/>, on keys of its own, and throws on the first disagreement.</summary>
    public static async Task RunAsync(IIdempotencyStore store, IReadOnlyList<StoreStep> steps, StoreStateMachineCoverage? coverage = null)
    {
        var now0 = DateTimeOffset.UtcNow;
        var clock = new FakeTimeProvider(new DateTimeOffset(now0.Ticks - (now0.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero));
        var run = Guid.NewGuid().ToString("N");
        var keys = Enumerable.Range(0, Keys).Select(k => $"property#{run}#k{k}").ToArray();
        var model = new ModelRecord?[Keys];
        var attempts = new string?[Owners, Keys];
        var completions = Enumerable.Range(0, Keys).Select(_ => new List<(string Owner, DateTimeOffset At, DateTimeOffset ExpiresAt)>()).ToArray();

        for (var index = 0; index < steps.Count; index++)
        {
            var step = steps[index];
            var now = clock.GetUtcNow();
            var key = keys[step.Key];
            string Where(string what) => $"Step {index} ({step}) at +{(now - clock.Start).TotalSeconds}s: {what}";

            switch (step.Kind)
            {
                case StoreStepKind.Advance:
                    clock.Advance(TimeSpan.FromSeconds(step.LeaseSeconds));
                    continue;

                case StoreStepKind.Begin:
                {
                    var token = $"o{step.Owner}-{Guid.NewGuid():N}";
                    var current = model[step.Key];
                    // Past the instant: free. Before it: taken. At the very instant a store may answer either way
                    // (the core reads "expired" as <=, a store condition may use <); both are safe.
                    var inProgress = current?.Status == IdempotencyRecordStatus.InProgress;
                    var mustWin = current is null || current.ExpiresAt < now || (inProgress && current.Lease < now);
                    var mustLose = current is not null && current.ExpiresAt > now && !(inProgress && current.Lease <= now);
                    var request = new BeginRequest(key, token, now, now.AddSeconds(step.ExpirySeconds), now.AddSeconds(step.LeaseSeconds), null);
                    var result = await store.TryBeginAsync(request);
                    if ((result.Acquired && mustLose) || (!result.Acquired && mustWin))
                    {
                        throw new PropertyViolation(Where($"begin {(result.Acquired ? "won" : "lost")}, but the model says it should have {(mustWin ? "won" : "lost")} (record: {current?.ToString() ?? "none"})."));
                    }

                    if (result.Acquired)
                    {
                        coverage?.BeginWon(current is not null);
                        model[step.Key] = new ModelRecord(token, IdempotencyRecordStatus.InProgress, Later(request.ExpiresAt, request.InProgressExpiresAt), request.InProgressExpiresAt);
                        attempts[step.Owner, step.Key] = token;
                    }
                    else
                    {
                        coverage?.BeginLost();
                    }

                    if (!result.Acquired && result.Existing is { } existing && (existing.OwnerToken != current!.Owner || existing.Status != current.Status))
                    {
                        throw new PropertyViolation(Where($"the lost begin returned {existing.Status} by {existing.OwnerToken}, but the record is {current}."));
                    }

                    break;
                }

                case StoreStepKind.Complete:
                case StoreStepKind.Release:
                case StoreStepKind.Extend:
                {
                    if (attempts[step.Owner, step.Key] is not { } token)
                    {
                        continue; // this owner has no attempt on the key: nothing to do
                    }

                    var current = model[step.Key];
                    var owns = current is not null && current.Owner == token && current.Status == IdempotencyRecordStatus.InProgress;
                    var mustSucceed = owns && current!.Lease > now && current.ExpiresAt > now;
                    bool succeeded;
                    try
                    {
                        switch (step.Kind)
                        {
                            case StoreStepKind.Complete:
                                await store.CompleteAsync(new CompleteRequest(key, token, now.AddSeconds(step.ExpirySeconds), "\"ok\"", null));
                                break;
                            case StoreStepKind.Release:
                                await store.ReleaseAsync(key, token);
                                break;
                            default:
                                await store.ExtendLeaseAsync(new ExtendLeaseRequest(key, token, now.AddSeconds(step.LeaseSeconds), current?.ExpiresAt ?? now));
                                break;
                        }

                        succeeded = true;
                    }
                    catch (IdempotencyStaleOwnerException)
                    {
                        succeeded = false;
                    }

                    if (succeeded && !owns)
                    {
                        throw new PropertyViolation(Where($"a stale owner's {step.Kind.ToString().ToLowerInvariant()} was accepted (record: {current?.ToString() ?? "none"})."));
                    }

                    if (!succeeded && mustSucceed)
                    {
                        throw new PropertyViolation(Where($"the owner's {step.Kind.ToString().ToLowerInvariant()} was rejected while it held a live lease (record: {current})."));
                    }

                    if (!succeeded)
                    {
                        coverage?.StaleRejected();
                        if (step.Kind != StoreStepKind.Extend)
                        {
                            attempts[step.Owner, step.Key] = null; // the attempt learned it lost the key and ends
                        }

                        break;
                    }

                    coverage?.Accepted(step.Kind);
                    switch (step.Kind)
                    {
                        case StoreStepKind.Complete:
                            var expiresAt = now.AddSeconds(step.ExpirySeconds);
                            foreach (var earlier in completions[step.Key])
                            {
                                if (earlier.Owner != token && earlier.ExpiresAt > now)
                                {
                                    throw new PropertyViolation(Where($"a second execution completed while the one completed at +{(earlier.At - clock.Start).TotalSeconds}s by {earlier.Owner} still deduplicates until +{(earlier.ExpiresAt - clock.Start).TotalSeconds}s."));
                                }
                            }

                            completions[step.Key].Add((token, now, expiresAt));
                            model[step.Key] = new ModelRecord(token, IdempotencyRecordStatus.Completed, expiresAt, null);
                            attempts[step.Owner, step.Key] = null;
                            break;
                        case StoreStepKind.Release:
                            model[step.Key] = null;
                            attempts[step.Owner, step.Key] = null;
                            break;
                        default:
                            // An extension carries the expiry forward: while in progress it never precedes the lease.
                            model[step.Key] = current! with { Lease = now.AddSeconds(step.LeaseSeconds), ExpiresAt = Later(current.ExpiresAt, now.AddSeconds(step.LeaseSeconds)) };
                            break;
                    }

                    break;
                }
            }

            await AssertStoredAsync(store, key, model[step.Key], Where);
        }
    }

    private static async Task AssertStoredAsync(IIdempotencyStore store, string key, ModelRecord? expected, Func<string, string> where)
    {
        var actual = await store.GetAsync(key);
        if (expected is null)
        {
            if (actual is not null)
            {
                throw new PropertyViolation(where($"the store holds {actual.Status} by {actual.OwnerToken}, the model holds nothing."));
            }

            return;
        }

        if (actual is null
            || actual.OwnerToken != expected.Owner
            || actual.Status != expected.Status
            || actual.ExpiresAt != expected.ExpiresAt
            || actual.InProgressExpiresAt != expected.Lease)
        {
            var stored = actual is null ? "nothing" : $"{actual.Status} by {actual.OwnerToken}, expires {actual.ExpiresAt:O}, lease {actual.InProgressExpiresAt:O}";
            throw new PropertyViolation(where($"the store holds {stored}, the model holds {expected}."));
        }
    }

    private static DateTimeOffset Later(DateTimeOffset first, DateTimeOffset second) => first >= second ? first : second;

    private sealed record ModelRecord(string Owner, IdempotencyRecordStatus Status, DateTimeOffset ExpiresAt, DateTimeOffset? Lease)
    {
        public override string ToString() => $"{Status} by {Owner}, expires {ExpiresAt:O}, lease {Lease:O}";
    }
}
