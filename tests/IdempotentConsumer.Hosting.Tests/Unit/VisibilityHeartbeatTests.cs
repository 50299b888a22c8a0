using System.Collections.Concurrent;
using System.Net;
using Amazon.SQS;
using Amazon.SQS.Model;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Hosting.Tests.Support;
using IdempotentConsumer.Hosting.Transport;
using IdempotentConsumer.Hosting.Worker;
using IdempotentConsumer.Stores;
using IdempotentConsumer.Testing.Faults;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Xunit;

namespace IdempotentConsumer.Hosting.Tests.Unit;

public sealed class VisibilityHeartbeatTests : IAsyncLifetime
{
    private static readonly TimeSpan Visibility = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly FakeTimeProvider _time = new();
    private readonly Mock<IAmazonSQS> _sqs = new(MockBehavior.Strict);
    private readonly ConcurrentQueue<(int Seconds, DateTimeOffset At)> _extensions = new();
    private readonly InMemoryIdempotencyStore _store = new();
    private readonly FaultInjectingIdempotencyStore _faults;
    private readonly TaskCompletionSource _finishHandler = new();
    private readonly HeartbeatScheduler _scheduler;
    private Task? _handler;
    private int _lostCalls;

    public VisibilityHeartbeatTests()
    {
        _scheduler = new HeartbeatScheduler(HeartbeatScheduler.TickFor(Interval), _time);
        _faults = new FaultInjectingIdempotencyStore(_store, seed: 1, _time);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _scheduler.DisposeAsync();
        _finishHandler.TrySetResult();
        if (_handler is not null)
        {
            try
            {
                await _handler;
            }
            catch (IdempotencyStaleOwnerException)
            {
                // The test that takes the lease away leaves the handler nothing to complete.
            }
            catch (OperationCanceledException)
            {
                // The test whose lease cannot be extended cancels the handler.
            }
        }
    }

    private VisibilityHeartbeat Create() => new(
        new AwsSqsTransport(_sqs.Object), "http://127.0.0.1:1/000000000000/orders", "rh-1", "m-1", Visibility, Interval,
        _time.GetUtcNow() + Visibility, _scheduler, _time, NullLogger.Instance, () => Interlocked.Increment(ref _lostCalls));

    private void VisibilityAnswers(params Func<Exception?>[] answers)
    {
        var index = -1;
        _sqs.Setup(s => s.ChangeMessageVisibilityAsync(It.IsAny<ChangeMessageVisibilityRequest>(), It.IsAny<CancellationToken>()))
            .Returns((ChangeMessageVisibilityRequest request, CancellationToken _) =>
            {
                Assert.Equal("rh-1", request.ReceiptHandle);
                _extensions.Enqueue((request.VisibilityTimeout ?? -1, _time.GetUtcNow()));
                var i = Interlocked.Increment(ref index);
                var error = i < answers.Length ? answers[i]() : null;
                return error is null ? Task.FromResult(new ChangeMessageVisibilityResponse()) : Task.FromException<ChangeMessageVisibilityResponse>(error);
            });
    }

    /// <summary>Takes a real lease through the executor, held until the test ends.</summary>
    private async Task<IdempotencyLease> TakeLeaseAsync(CancellationToken? handlerToken = null)
    {
        var executor = new IdempotencyExecutor(_faults, new IdempotencyOptions { KeyPrefix = "heartbeat" }, _time);
        var taken = new TaskCompletionSource<IdempotencyLease>();
        _handler = executor.ExecuteAsync(
            new IdempotencyInvocation<string>("order-1") { LeaseDuration = Visibility + Interval },
            0,
            async (call, cancellationToken) =>
            {
                taken.SetResult(call.Lease!);
                await _finishHandler.Task.WaitAsync(handlerToken ?? CancellationToken.None);
                return 1;
            }).AsTask();
        return await taken.Task;
    }

    [Fact]
    public async Task Given_a_running_handler_When_time_passes_Then_visibility_and_lease_are_extended_before_either_lapses()
    {
        VisibilityAnswers();
        var lease = await TakeLeaseAsync();
        var heartbeat = Create();
        heartbeat.LeaseAccessor = () => lease;
        var firstLapse = heartbeat.VisibleUntil;

        heartbeat.Start();
        await Eventually.AdvanceUntilAsync(_time, TimeSpan.FromMilliseconds(50), () => _extensions.Count >= 4);
        await heartbeat.StopAsync();

        var extensions = _extensions.ToArray();
        Assert.All(extensions, e => Assert.Equal(3, e.Seconds));
        var lapse = firstLapse;
        foreach (var extension in extensions)
        {
            Assert.True(extension.At < lapse, "each extension must come before the visibility lapses");
            lapse = extension.At + Visibility;
        }

        Assert.Equal(heartbeat.LeaseUntil, lease.ExpiresAt);
        Assert.Equal(heartbeat.VisibleUntil + Interval, lease.ExpiresAt);
        var record = await _store.GetAsync(lease.Key);
        Assert.Equal(lease.ExpiresAt.ToUnixTimeMilliseconds(), record!.InProgressExpiresAt!.Value.ToUnixTimeMilliseconds());
        Assert.Equal(0, _lostCalls);
        Assert.False(heartbeat.IsLost);
    }

    [Fact]
    public async Task Given_no_lease_yet_When_time_passes_Then_only_visibility_is_extended()
    {
        VisibilityAnswers();
        var heartbeat = Create();

        heartbeat.Start();
        await Eventually.AdvanceUntilAsync(_time, TimeSpan.FromMilliseconds(50), () => _extensions.Count >= 2);
        await heartbeat.StopAsync();

        Assert.Equal(0, _lostCalls);
        Assert.True(heartbeat.Extensions >= 2);
    }

    [Fact]
    public async Task Given_the_receipt_handle_is_no_longer_valid_When_extending_Then_the_handler_is_cancelled_at_once()
    {
        VisibilityAnswers(() => new ReceiptHandleIsInvalidException("gone"));
        var heartbeat = Create();

        heartbeat.Start();
        await Eventually.AdvanceUntilAsync(_time, TimeSpan.FromMilliseconds(50), () => Volatile.Read(ref _lostCalls) == 1);
        _time.Advance(TimeSpan.FromSeconds(10));
        await Eventually.SettleAsync();
        await heartbeat.StopAsync();

        Assert.Single(_extensions);
        Assert.True(heartbeat.IsLost);
        Assert.Equal(1, _lostCalls);
    }

    [Fact]
    public async Task Given_the_lease_was_taken_over_When_extending_Then_the_handler_is_cancelled()
    {
        VisibilityAnswers();
        var lease = await TakeLeaseAsync();
        await _store.ReleaseAsync(lease.Key, lease.OwnerToken);
        var heartbeat = Create();
        heartbeat.LeaseAccessor = () => lease;

        heartbeat.Start();
        await Eventually.AdvanceUntilAsync(_time, TimeSpan.FromMilliseconds(50), () => Volatile.Read(ref _lostCalls) == 1);
        await heartbeat.StopAsync();

        Assert.True(heartbeat.IsLost);
    }

    [Fact]
    public async Task Given_a_transient_error_When_extending_Then_it_retries_and_keeps_the_message()
    {
        VisibilityAnswers(() => new AmazonSQSException("blip") { StatusCode = HttpStatusCode.InternalServerError });
        var heartbeat = Create();

        heartbeat.Start();
        await Eventually.AdvanceUntilAsync(_time, TimeSpan.FromMilliseconds(50), () => _extensions.Count >= 3);
        await heartbeat.StopAsync();

        Assert.Equal(0, _lostCalls);
        var at = _extensions.Select(e => e.At).ToArray();
        Assert.True(at[1] - at[0] < Interval, "a failed extension is retried sooner than the interval");
    }

    [Fact]
    public async Task Given_extensions_keep_failing_When_the_visibility_is_about_to_lapse_Then_the_handler_is_cancelled_before_it_does()
    {
        var lapse = _time.GetUtcNow() + Visibility;
        VisibilityAnswers(Enumerable.Repeat<Func<Exception?>>(() => new HttpRequestException("down"), 100).ToArray());
        var heartbeat = Create();
        DateTimeOffset? lostAt = null;
        heartbeat.Start();

        await Eventually.AdvanceUntilAsync(_time, TimeSpan.FromMilliseconds(20), () =>
        {
            if (Volatile.Read(ref _lostCalls) == 1)
            {
                lostAt ??= _time.GetUtcNow();
                return true;
            }

            return false;
        });
        await heartbeat.StopAsync();

        Assert.True(_extensions.Count >= 3, "it tried more than once");
        Assert.True(lostAt <= lapse + TimeSpan.FromMilliseconds(40), $"lost at {lostAt:O}, lapse {lapse:O}");
        Assert.True(lostAt >= lapse - Interval);
    }

    [Fact]
    public async Task Given_the_store_keeps_failing_lease_extensions_When_the_lease_would_lapse_Then_the_handler_is_cancelled_and_visibility_is_not_extended()
    {
        VisibilityAnswers();
        using var handlerCancellation = new CancellationTokenSource();
        var lease = await TakeLeaseAsync(handlerCancellation.Token);
        _faults.Inject(StoreOperations.ExtendLease, StoreFaultKind.Error);
        var heartbeat = new VisibilityHeartbeat(
            new AwsSqsTransport(_sqs.Object), "http://127.0.0.1:1/000000000000/orders", "rh-1", "m-1", Visibility, Interval,
            _time.GetUtcNow() + Visibility, _scheduler, _time, NullLogger.Instance, handlerCancellation.Cancel);
        heartbeat.LeaseAccessor = () => lease;
        var leaseEnd = lease.ExpiresAt;
        DateTimeOffset? cancelledAt = null;

        heartbeat.Start();
        await Eventually.AdvanceUntilAsync(_time, TimeSpan.FromMilliseconds(20), () =>
        {
            cancelledAt ??= handlerCancellation.IsCancellationRequested ? _time.GetUtcNow() : null;
            return cancelledAt is not null;
        });
        _time.Advance(TimeSpan.FromSeconds(30));
        await Eventually.SettleAsync();

        Assert.True(heartbeat.IsLost);
        Assert.True(_faults.CountInjected(StoreOperations.ExtendLease) >= 2, "the lease extension was retried");
        Assert.Empty(_extensions);
        Assert.True(cancelledAt < leaseEnd, $"cancelled at {cancelledAt:O}, the lease lapses at {leaseEnd:O}");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _handler!);
        await heartbeat.StopAsync();
    }

    [Fact]
    public async Task Given_the_lease_was_taken_over_When_extending_Then_visibility_is_not_extended()
    {
        VisibilityAnswers();
        var lease = await TakeLeaseAsync();
        await _store.ReleaseAsync(lease.Key, lease.OwnerToken);
        var heartbeat = Create();
        heartbeat.LeaseAccessor = () => lease;

        heartbeat.Start();
        await Eventually.AdvanceUntilAsync(_time, TimeSpan.FromMilliseconds(50), () => Volatile.Read(ref _lostCalls) == 1);
        _time.Advance(TimeSpan.FromSeconds(10));
        await Eventually.SettleAsync();
        await heartbeat.StopAsync();

        Assert.Empty(_extensions);
    }

    [Fact]
    public async Task Given_the_heartbeat_is_stopped_When_time_passes_Then_nothing_more_is_extended()
    {
        VisibilityAnswers();
        var heartbeat = Create();
        heartbeat.Start();
        await Eventually.AdvanceUntilAsync(_time, TimeSpan.FromMilliseconds(50), () => _extensions.Count >= 1);

        await heartbeat.StopAsync();
        var count = _extensions.Count;
        _time.Advance(TimeSpan.FromSeconds(30));
        await Eventually.SettleAsync();

        Assert.Equal(count, _extensions.Count);
        await heartbeat.StopAsync();
    }
}
