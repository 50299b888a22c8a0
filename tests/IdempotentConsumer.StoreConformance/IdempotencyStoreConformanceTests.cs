using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using Xunit;

namespace IdempotentConsumer.StoreConformance;

/// <summary>
/// The behaviour every <see cref="IIdempotencyStore"/> must show. A store's test project derives one
/// class per backend and supplies the store; xUnit runs the inherited facts against it.
/// </summary>
/// <remarks>
/// Every fact uses its own random keys, so derived classes may point many stores at one shared table.
/// Time is passed explicitly from a fixed base (<see cref="T0"/>); nothing sleeps.
/// </remarks>
public abstract partial class IdempotencyStoreConformanceTests : IAsyncLifetime
{
    /// <summary>Stores may keep <see cref="IdempotencyRecord.ExpiresAt"/> in whole seconds.</summary>
    protected static readonly TimeSpan ExpiresAtTolerance = TimeSpan.FromSeconds(1);

    /// <summary>Stores may keep <see cref="IdempotencyRecord.InProgressExpiresAt"/> in whole milliseconds.</summary>
    protected static readonly TimeSpan LeaseTolerance = TimeSpan.FromMilliseconds(1);

    private IIdempotencyStore? _store;

    /// <summary>The store under test, created once per test by <see cref="CreateStoreAsync"/>.</summary>
    protected IIdempotencyStore Store =>
        _store ?? throw new InvalidOperationException("The store is created in InitializeAsync; it is not available yet.");

    /// <summary>The fixed "now" every fact starts from: the current time truncated to whole seconds.</summary>
    protected DateTimeOffset T0 { get; } = TruncateToSeconds(DateTimeOffset.UtcNow);

    /// <summary>How many times the begin race is run. Backends with more latency may lower it, never below a few.</summary>
    protected virtual int RaceRounds => 20;

    /// <summary>How many attempts race for one key in each round.</summary>
    protected virtual int RaceContenders => 16;

    /// <summary>Creates the store under test. Called before each fact.</summary>
    protected abstract ValueTask<IIdempotencyStore> CreateStoreAsync();

    /// <inheritdoc />
    public virtual async Task InitializeAsync() => _store = await CreateStoreAsync();

    /// <inheritdoc />
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

    /// <summary>A key no other fact (or concurrent test run sharing the table) uses.</summary>
    protected virtual string NewKey() => $"conformance#{Guid.NewGuid():N}";

    /// <summary>A fresh owner token, as the executor makes one per attempt.</summary>
    protected static string NewOwner() => Guid.NewGuid().ToString("N");

    /// <summary>
    /// A begin request at <see cref="T0"/> + <paramref name="at"/>, deduplicating for
    /// <paramref name="expiresIn"/> (default 1 h) with a lease of <paramref name="leaseFor"/> (default 5 min).
    /// </summary>
    protected BeginRequest NewBegin(
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

    /// <summary>
    /// An extension of the lease to <paramref name="leaseEnd"/> as the executor's lease sends it: the record's expiry
    /// moves to <paramref name="recordExpiresAt"/>, or to the lease end when that is later (default: the lease end).
    /// </summary>
    protected static ExtendLeaseRequest Extend(string key, string owner, DateTimeOffset leaseEnd, DateTimeOffset? recordExpiresAt = null) =>
        new(key, owner, leaseEnd, recordExpiresAt is { } expiry && expiry > leaseEnd ? expiry : leaseEnd);

    /// <summary>Begins <paramref name="request"/> and fails the fact unless it won.</summary>
    protected async Task BeginAndAssertWonAsync(BeginRequest request)
    {
        var result = await Store.TryBeginAsync(request);
        Assert.True(result.Acquired, $"Expected to win key '{request.Key}', but lost to owner '{result.Existing?.OwnerToken}'.");
    }

    /// <summary>Reads a record that must exist.</summary>
    protected async Task<IdempotencyRecord> GetExistingAsync(string key)
    {
        var record = await Store.GetAsync(key);
        Assert.NotNull(record);
        return record;
    }

    /// <summary>Asserts two instants are within a store's precision of each other.</summary>
    protected static void AssertClose(DateTimeOffset expected, DateTimeOffset? actual, TimeSpan tolerance)
    {
        Assert.NotNull(actual);
        var difference = (expected - actual.Value).Duration();
        Assert.True(
            difference < tolerance,
            $"Expected {expected:O} within {tolerance.TotalMilliseconds} ms, got {actual.Value:O} ({difference.TotalMilliseconds} ms apart).");
    }

    /// <summary>Asserts the record is exactly what the begin request wrote (times within store precision).</summary>
    protected static void AssertInProgressAsBegun(BeginRequest request, IdempotencyRecord? record)
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
