using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using Xunit;

namespace IdempotentConsumer.StoreConformance;

/// <summary>
/// The behaviour every <see cref="IIdempotencyStore"/> must show, as xUnit v2 facts. A store's test project derives
/// one class per backend (or configuration) and implements <see cref="CreateStoreAsync"/>; xUnit runs every
/// inherited fact against the store it returns.
/// </summary>
/// <remarks>
/// <para>
/// Every fact uses its own random keys (<see cref="NewKey"/>), so a derived class may point many stores at one shared
/// table or database. Time is passed to the store explicitly, as the contract requires, from a fixed base
/// (<see cref="T0"/>); nothing sleeps.
/// </para>
/// <para>
/// Precision the suite allows: <see cref="IdempotencyRecord.ExpiresAt"/> may be kept in whole seconds and
/// <see cref="IdempotencyRecord.InProgressExpiresAt"/> in whole milliseconds. Everything else must round-trip exactly.
/// </para>
/// <para>
/// What a derived class may change is the members marked <c>abstract</c> or <c>virtual</c> here; the facts themselves
/// are not optional: a store that needs one skipped does not conform.
/// </para>
/// </remarks>
public abstract partial class IdempotencyStoreConformanceTests : IAsyncLifetime
{
    // The precision the contract allows: expiry is a TTL in epoch seconds, the lease is in epoch milliseconds.
    private protected static readonly TimeSpan ExpiresAtTolerance = TimeSpan.FromSeconds(1);
    private protected static readonly TimeSpan LeaseTolerance = TimeSpan.FromMilliseconds(1);

    private IIdempotencyStore? _store;
    private DateTimeOffset? _t0;

    /// <summary>The store under test, created once per fact by <see cref="CreateStoreAsync"/>.</summary>
    /// <exception cref="InvalidOperationException">Read before <see cref="InitializeAsync"/> ran.</exception>
    protected IIdempotencyStore Store =>
        _store ?? throw new InvalidOperationException("The store is created in InitializeAsync; it is not available yet.");

    /// <summary>
    /// The "now" every fact starts from: <see cref="Clock"/>'s current time, truncated to whole seconds, taken once per
    /// fact before <see cref="CreateStoreAsync"/> runs.
    /// </summary>
    /// <exception cref="InvalidOperationException">Read before <see cref="InitializeAsync"/> ran.</exception>
    protected DateTimeOffset T0 =>
        _t0 ?? throw new InvalidOperationException("T0 is taken in InitializeAsync; it is not available yet.");

    /// <summary>
    /// The clock <see cref="T0"/> is read from; the system clock by default. Stores never read a clock for expiry
    /// (the caller passes <c>now</c>), so this matters only to a backend that also removes records by its own wall
    /// clock (a TTL sweeper): keep the default there, so records written by the facts are not removed under them.
    /// </summary>
    protected virtual TimeProvider Clock => TimeProvider.System;

    /// <summary>How many times the begin race is run. Backends with more latency may lower it, never below a few.</summary>
    protected virtual int RaceRounds => 20;

    /// <summary>How many attempts race for one key in each round.</summary>
    protected virtual int RaceContenders => 16;

    /// <summary>
    /// The most characters the response of the large-response fact may have (100 Ki by default; it uses nearly all).
    /// The contract lets a store refuse a response that does not fit it
    /// (<see cref="Exceptions.IdempotencyRecordTooLargeException"/>); a store whose documented limit is smaller
    /// returns a length that fits under that limit.
    /// </summary>
    protected virtual int LargeResponseLength => 100 * 1024;

    /// <summary>
    /// Creates the store under test. Called once before each fact, after <see cref="T0"/> is taken; the store is
    /// disposed after the fact when it implements <see cref="IAsyncDisposable"/> or <see cref="IDisposable"/>.
    /// </summary>
    /// <returns>A store that sees no records left by other facts under the keys <see cref="NewKey"/> returns.</returns>
    protected abstract ValueTask<IIdempotencyStore> CreateStoreAsync();

    /// <summary>Takes <see cref="T0"/> and creates the store. An override must call this first.</summary>
    /// <returns>A task that completes when the store is ready.</returns>
    public virtual async Task InitializeAsync()
    {
        _t0 = TruncateToSeconds(Clock.GetUtcNow());
        _store = await CreateStoreAsync();
    }

    /// <summary>Disposes the store. An override that frees its own resources (a client, a file) calls this first.</summary>
    /// <returns>A task that completes when the store is disposed.</returns>
    public virtual async Task DisposeAsync()
    {
        switch (_store)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    /// <summary>
    /// A key no other fact (or concurrent test run sharing the backend) uses. Override to fit a backend's key rules;
    /// every call must return a new key.
    /// </summary>
    /// <returns>A fresh idempotency key.</returns>
    protected virtual string NewKey() => $"conformance#{Guid.NewGuid():N}";

    /// <summary>A fresh owner token, as the executor makes one per attempt.</summary>
    /// <returns>A random token.</returns>
    protected static string NewOwner() => Guid.NewGuid().ToString("N");

    // A begin request at T0 + at, deduplicating for expiresIn (default 1 h) with a lease of leaseFor (default 5 min).
    private protected BeginRequest NewBegin(
        string key,
        string owner,
        TimeSpan at = default,
        TimeSpan? expiresIn = null,
        TimeSpan? leaseFor = null,
        string? payloadHash = null)
    {
        var now = T0 + at;
        return new BeginRequest(
            key,
            owner,
            now,
            now + (expiresIn ?? TimeSpan.FromHours(1)),
            now + (leaseFor ?? TimeSpan.FromMinutes(5)),
            payloadHash);
    }

    // An extension as the executor's lease sends it: the record's expiry moves to recordExpiresAt, or to the lease end
    // when that is later (default: the lease end).
    private protected static ExtendLeaseRequest Extend(string key, string owner, DateTimeOffset leaseEnd, DateTimeOffset? recordExpiresAt = null) =>
        new(key, owner, leaseEnd, recordExpiresAt is { } expiry && expiry > leaseEnd ? expiry : leaseEnd);

    private protected async Task BeginAndAssertWonAsync(BeginRequest request)
    {
        var result = await Store.TryBeginAsync(request);
        Assert.True(result.Acquired, $"Expected to win key '{request.Key}', but lost to owner '{result.Existing?.OwnerToken}'.");
    }

    private protected async Task<IdempotencyRecord> GetExistingAsync(string key)
    {
        var record = await Store.GetAsync(key);
        Assert.NotNull(record);
        return record;
    }

    private protected static void AssertClose(DateTimeOffset expected, DateTimeOffset? actual, TimeSpan tolerance)
    {
        Assert.NotNull(actual);
        var difference = (expected - actual.Value).Duration();
        Assert.True(
            difference < tolerance,
            $"Expected {expected:O} within {tolerance.TotalMilliseconds} ms, got {actual.Value:O} ({difference.TotalMilliseconds} ms apart).");
    }

    // The record is exactly what the begin request wrote (times within store precision).
    private protected static void AssertInProgressAsBegun(BeginRequest request, IdempotencyRecord? record)
    {
        Assert.NotNull(record);
        Assert.Equal(request.Key, record.Key);
        Assert.Equal(IdempotencyRecordStatus.InProgress, record.Status);
        Assert.Equal(request.OwnerToken, record.OwnerToken);
        Assert.Equal(request.PayloadHash, record.PayloadHash);
        Assert.Null(record.ResponseData);
        AssertClose(request.ExpiresAt, record.ExpiresAt, ExpiresAtTolerance);
        AssertClose(request.InProgressExpiresAt, record.InProgressExpiresAt, LeaseTolerance);
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond), value.Offset);
}
