using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Lambda.Tests.Support;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.Time.Testing;

namespace IdempotentConsumer.Lambda.Tests.Sqs;

/// <summary>The in-progress lease comes from the invocation's remaining time and never outlives it.</summary>
public sealed class LeaseTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2024, 6, 10, 6, 0, 0, TimeSpan.Zero));
    private readonly InMemoryIdempotencyStore _store = new();
    private readonly SideEffects _shipments = new();

    [Fact]
    public async Task Given_30_seconds_remaining_When_a_record_starts_Then_its_lease_ends_at_the_remaining_time_minus_the_margin()
    {
        DateTimeOffset? leaseEnd = null;
        DateTimeOffset? storedLeaseEnd = null;
        var processor = Processors.Shipping(_store, _shipments, b => b.WithTimeProvider(_clock).Configure(o => o.LeaseSafetyMargin = TimeSpan.FromSeconds(2)), async (_, context, ct) =>
        {
            leaseEnd = context.Lease!.ExpiresAt;
            storedLeaseEnd = (await _store.GetAsync(context.IdempotencyKey!, ct))!.InProgressExpiresAt;
        });

        await processor.ProcessAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1")), LambdaContexts.Create(TimeSpan.FromSeconds(30), _clock));

        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromSeconds(28), leaseEnd);
        Assert.Equal(leaseEnd, storedLeaseEnd);
    }

    [Fact]
    public async Task Given_records_run_one_after_another_When_time_passes_Then_each_lease_is_taken_from_the_time_left_at_its_start()
    {
        var leaseLengths = new List<TimeSpan>();
        var processor = Processors.Shipping(_store, _shipments, b => b.WithTimeProvider(_clock).Configure(o =>
        {
            o.MaxConcurrency = 1;
            o.CancelHandlersAtLeaseEnd = false;
        }), (_, context, _) =>
        {
            leaseLengths.Add(context.Lease!.ExpiresAt - _clock.GetUtcNow());
            _clock.Advance(TimeSpan.FromSeconds(4));
            return ValueTask.CompletedTask;
        });
        var batch = SqsEvents.Of([.. Enumerable.Range(1, 4).Select(i => SqsEvents.OrderRecord($"m-{i}", $"o-{i}"))]);

        var result = await processor.ProcessBatchAsync(batch, LambdaContexts.Create(TimeSpan.FromSeconds(12), _clock));

        Assert.Equal([TimeSpan.FromSeconds(11), TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(3)], leaseLengths);
        Assert.Equal(SqsRecordStatus.NotStarted, result.Records[3].Status);
        Assert.Equal(SqsRecordFailureReason.LeaseTooShort, result.Records[3].Reason);
        Assert.Equal("m-4", Assert.Single(result.Response.BatchItemFailures).ItemIdentifier);
    }

    [Fact]
    public async Task Given_less_than_margin_plus_minimum_remaining_When_the_batch_arrives_Then_no_record_starts_nothing_is_written_and_all_are_redelivered()
    {
        var processor = Processors.Shipping(_store, _shipments, b => b.WithTimeProvider(_clock).Configure(o =>
        {
            o.LeaseSafetyMargin = TimeSpan.FromSeconds(1);
            o.MinimumLease = TimeSpan.FromSeconds(2);
            o.CancelHandlersAtLeaseEnd = false;
        }));

        var result = await processor.ProcessBatchAsync(
            SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1"), SqsEvents.OrderRecord("m-2", "o-2")),
            LambdaContexts.Create(out var log, TimeSpan.FromMilliseconds(2900), _clock));

        Assert.Equal(["m-1", "m-2"], result.Response.BatchItemFailures.Select(f => f.ItemIdentifier));
        Assert.All(result.Records, r => Assert.Equal(SqsRecordFailureReason.LeaseTooShort, r.Reason));
        Assert.Equal(0, _shipments.Total);
        Assert.Equal(0, _store.Count);
        Assert.Equal("LeaseTooShort", Assert.Single(log.EntriesFor("m-1")).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Given_a_handler_still_running_When_the_lease_ends_Then_it_is_cancelled_released_and_reported_while_others_succeed()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var processor = Processors.Shipping(_store, _shipments, b => b.WithTimeProvider(_clock).Configure(o => o.MaxConcurrency = 2), async (order, _, ct) =>
        {
            if (order.OrderId == "o-slow")
            {
                started.SetResult();
                await Task.Delay(Timeout.InfiniteTimeSpan, _clock, ct);
            }
        });

        var processing = processor.ProcessBatchAsync(
            SqsEvents.Of(SqsEvents.OrderRecord("m-fast", "o-fast"), SqsEvents.OrderRecord("m-slow", "o-slow")),
            LambdaContexts.Create(TimeSpan.FromSeconds(10), _clock));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(5));
        _clock.Advance(TimeSpan.FromSeconds(9));
        var result = await processing.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("m-slow", Assert.Single(result.Response.BatchItemFailures).ItemIdentifier);
        Assert.Equal(SqsRecordFailureReason.TimedOut, result.Records[1].Reason);
        Assert.Equal(1, _shipments["o-fast"]);
        Assert.Equal(0, _shipments["o-slow"]);
        Assert.Null(await _store.GetAsync(Assert.IsType<string>(result.Records[1].IdempotencyKey)));
        Assert.Equal(1, _store.Count);
    }

    [Fact]
    public async Task Given_the_invocation_deadline_passed_When_more_records_wait_in_a_fifo_group_Then_they_are_not_started()
    {
        var processor = Processors.Shipping(_store, _shipments, b => b.WithTimeProvider(_clock), (_, _, _) =>
        {
            _clock.Advance(TimeSpan.FromSeconds(10));
            return ValueTask.CompletedTask;
        });
        var batch = SqsEvents.Of(
            SqsEvents.FifoRecord("m-1", "g", SqsEvents.OrderJson("o-1")),
            SqsEvents.FifoRecord("m-2", "g", SqsEvents.OrderJson("o-2")));

        var result = await processor.ProcessBatchAsync(batch, LambdaContexts.Create(TimeSpan.FromSeconds(10), _clock));

        Assert.Equal(SqsRecordStatus.Succeeded, result.Records[0].Status);
        Assert.Equal(SqsRecordStatus.NotStarted, result.Records[1].Status);
        Assert.Contains(result.Records[1].Reason, new[] { SqsRecordFailureReason.TimedOut, SqsRecordFailureReason.LeaseTooShort });
        Assert.Equal("m-2", Assert.Single(result.Response.BatchItemFailures).ItemIdentifier);
    }
}
