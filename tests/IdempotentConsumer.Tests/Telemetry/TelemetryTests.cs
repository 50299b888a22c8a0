using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Telemetry;
using IdempotentConsumer.Tests.Support;
using Xunit;

namespace IdempotentConsumer.Tests.Telemetry;

/// <summary>The meter and activity source named <c>IdempotentConsumer</c>. Runs alone: the instruments are process-wide.</summary>
[Collection(ProcessWideStateCollection.Name)]
public sealed class TelemetryTests
{
    [Fact]
    public async Task Given_a_meter_listener_When_a_message_executes_replays_hits_the_cache_is_rejected_and_fails_validation_Then_each_counter_fires_exactly_as_often()
    {
        var counts = new ConcurrentDictionary<string, long>();
        var storeLatencies = new ConcurrentBag<(double Ms, string? Operation)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == IdempotencyTelemetry.Name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => counts.AddOrUpdate(instrument.Name, value, (_, c) => c + value));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "idempotency.store.duration")
            {
                string? operation = null;
                foreach (var tag in tags)
                {
                    operation = tag.Key == "operation" ? tag.Value as string : operation;
                }

                storeLatencies.Add((value, operation));
            }
        });
        listener.Start();

        var h = new ExecutorHarness(o =>
        {
            o.UseLocalCache = true;
            o.PayloadValidationJmesPath = "amount";
        });
        var order = ExecutorHarness.NewOrder(amount: 1m);
        await h.ExecuteAsync(order);                                   // executed (begin + complete)
        await h.ExecuteAsync(order);                                   // cache hit + replay
        await Assert.ThrowsAsync<IdempotencyValidationException>(() => h.ExecuteAsync(order with { Amount = 2m }).AsTask());
        var blocked = ExecutorHarness.NewOrder();
        var now = h.Time.GetUtcNow();
        await h.InMemory.TryBeginAsync(new IdempotentConsumer.Stores.BeginRequest(h.KeyOf(blocked), "other", now, now.AddHours(1), now.AddMinutes(1), null));
        await Assert.ThrowsAsync<IdempotencyAlreadyInProgressException>(() => h.ExecuteAsync(blocked).AsTask()); // begin
        var unguarded = new ExecutorHarness(o => o.Disabled = true);
        await unguarded.ExecuteAsync(order);

        Assert.Equal(1, counts.GetValueOrDefault("idempotency.executions"));
        Assert.Equal(1, counts.GetValueOrDefault("idempotency.replays"));
        Assert.Equal(2, counts.GetValueOrDefault("idempotency.cache_hits")); // the tampered duplicate is answered (and refused) from the cache too
        Assert.Equal(1, counts.GetValueOrDefault("idempotency.validation_failures"));
        Assert.Equal(1, counts.GetValueOrDefault("idempotency.in_progress_rejections"));
        Assert.Equal(1, counts.GetValueOrDefault("idempotency.unguarded"));
        Assert.Equal(3, storeLatencies.Count);
        Assert.Equal(2, storeLatencies.Count(l => l.Operation == "begin"));
        Assert.Equal(1, storeLatencies.Count(l => l.Operation == "complete"));
        Assert.All(storeLatencies, l => Assert.True(l.Ms >= 0));
    }

    [Fact]
    public async Task Given_a_meter_listener_When_the_pipeline_processes_a_success_a_replay_and_a_failure_Then_the_message_counters_fire()
    {
        var counts = new ConcurrentDictionary<string, long>();
        var handlerDurations = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == IdempotencyTelemetry.Name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => counts.AddOrUpdate(instrument.Name, value, (_, c) => c + value));
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) =>
        {
            if (instrument.Name == "messages.handler.duration")
            {
                Interlocked.Increment(ref handlerDurations);
            }
        });
        listener.Start();
        var h = new ExecutorHarness();
        var pipeline = new MessagePipelineBuilder<Order>().UseIdempotency(h.Executor).Build((_, _, _) => ValueTask.CompletedTask);

        await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-1"), PipelineHarness.NoServices);
        await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-1"), PipelineHarness.NoServices);
        await pipeline.ProcessAsync(PipelineHarness.Message("{broken"), PipelineHarness.NoServices);

        Assert.Equal(3, counts.GetValueOrDefault("messages.received"));
        Assert.Equal(1, counts.GetValueOrDefault("messages.processed"));
        Assert.Equal(1, counts.GetValueOrDefault("messages.replayed"));
        Assert.Equal(1, counts.GetValueOrDefault("messages.failed"));
        Assert.Equal(0, counts.GetValueOrDefault("messages.in_flight"));
        Assert.Equal(3, handlerDurations);
    }

    [Fact]
    public async Task Given_an_activity_listener_When_a_message_executes_and_replays_Then_activities_carry_the_key_and_the_outcome()
    {
        var activities = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == IdempotencyTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var h = new ExecutorHarness();
        var order = ExecutorHarness.NewOrder();
        var key = h.KeyOf(order);

        await h.ExecuteAsync(order);
        await h.ExecuteAsync(order);
        var pipeline = new MessagePipelineBuilder<Order>().UseIdempotency(h.Executor).Build((_, _, _) => ValueTask.CompletedTask);
        await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-activity", "m-activity"), PipelineHarness.NoServices);

        var mine = activities.Where(a => a.OperationName == "idempotency.execute" && (string?)a.GetTagItem("idempotency.key") == key).ToList();
        Assert.Equal(2, mine.Count);
        Assert.Contains(mine, a => (string?)a.GetTagItem("idempotency.outcome") == "executed");
        Assert.Contains(mine, a => (string?)a.GetTagItem("idempotency.outcome") == "replayed");
        var message = Assert.Single(activities, a => a.OperationName == "message.process" && (string?)a.GetTagItem("messaging.message.id") == "m-activity");
        Assert.Equal(ActivityKind.Consumer, message.Kind);
        Assert.Contains(activities, a => a.OperationName == "idempotency.execute" && a.ParentSpanId == message.SpanId);
    }

    [Fact]
    public async Task Given_listeners_When_a_duplicate_waits_for_an_original_that_stays_in_progress_Then_the_wait_is_counted_by_outcome_added_to_the_activity_and_logged()
    {
        var waits = new ConcurrentBag<string?>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == IdempotencyTelemetry.Name && instrument.Name == "idempotency.in_progress_waits")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "outcome")
                {
                    waits.Add(tag.Value as string);
                }
            }
        });
        meters.Start();
        var activities = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == IdempotencyTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var h = new ExecutorHarness(o => o.InProgressWaitTimeout = TimeSpan.FromSeconds(1));
        var log = new ListLogger();
        var executor = new IdempotentConsumer.Execution.IdempotencyExecutor(h.Store, h.Options, h.Time, log);
        var order = ExecutorHarness.NewOrder();
        var key = h.KeyOf(order);
        var now = h.Time.GetUtcNow();
        await h.InMemory.TryBeginAsync(new IdempotentConsumer.Stores.BeginRequest(key, "other", now, now.AddHours(1), now.AddMinutes(5), null));

        var waiting = executor.ExecuteAsync(order, (Order o) => o.OrderId).AsTask();
        for (var i = 0; i < 100 && !waiting.IsCompleted; i++)
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(2);
        }

        await Assert.ThrowsAsync<IdempotencyAlreadyInProgressException>(() => waiting);
        Assert.Equal(["timed_out"], waits);
        var activity = Assert.Single(activities, a => a.OperationName == "idempotency.execute" && (string?)a.GetTagItem("idempotency.key") == key);
        Assert.Equal("in_progress", activity.GetTagItem("idempotency.outcome"));
        var waited = Assert.Single(activity.Events, e => e.Name == "idempotency.in_progress_wait");
        Assert.Contains(waited.Tags, t => t.Key == "outcome" && (string?)t.Value == "timed_out");
        Assert.Contains(log.Lines, l => l.Contains(key, StringComparison.Ordinal) && l.Contains("timed_out", StringComparison.Ordinal));
    }

    private sealed class ListLogger : Microsoft.Extensions.Logging.ILogger<IdempotentConsumer.Execution.IdempotencyExecutor>
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue(formatter(state, exception));
    }
}
