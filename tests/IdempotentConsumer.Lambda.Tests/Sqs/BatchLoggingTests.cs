using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Lambda.Tests.Support;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Lambda.Tests.Sqs;

/// <summary>What the batch processor logs about failed and half-done records, and how it acknowledges them.</summary>
public sealed class BatchLoggingTests
{
    private const int RecordFailedEvent = 4001;
    private const int ResponseNotStoredEvent = 4006;
    private const int BatchCompletedEvent = 4010;

    private readonly CapturingLoggerFactory _logs = new();

    [Fact]
    public async Task Given_a_handler_that_throws_When_its_record_fails_Then_the_logger_gets_the_exception_with_its_stack_trace()
    {
        var boom = new InvalidOperationException("label printer on fire");
        var processor = Processors.OrderBuilder(new InMemoryIdempotencyStore())
            .WithLoggerFactory(_logs)
            .Handle((Order _, CancellationToken _) => throw boom);

        var result = await processor.ProcessBatchAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1")), LambdaContexts.Create());

        Assert.Equal("m-1", Assert.Single(result.Response.BatchItemFailures).ItemIdentifier);
        var entry = Assert.Single(_logs.Entries, e => e.EventId.Id == RecordFailedEvent);
        Assert.Same(boom, entry.Exception);
        Assert.NotNull(entry.Exception!.StackTrace);
        Assert.Equal("m-1", entry.Fields["MessageId"]);
    }

    [Fact]
    public async Task Given_a_pipeline_that_reports_a_response_not_stored_When_the_batch_runs_Then_the_record_is_acknowledged_logged_and_counted()
    {
        var notStored = new IdempotencyResponseNotStoredException("the label is larger than an item", new InvalidOperationException("400 KB"), "label");
        var processor = SqsBatchProcessor.For<Order>("ship-orders")
            .WithoutIdempotency()
            .WithoutRetry()
            .WithLoggerFactory(_logs)
            .Use((_, _) => throw notStored)
            .Handle((_, _) => ValueTask.CompletedTask);

        var result = await processor.ProcessBatchAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1"), SqsEvents.OrderRecord("m-2", "o-2")), LambdaContexts.Create());

        Assert.Empty(result.Response.BatchItemFailures);
        Assert.All(result.Records, r =>
        {
            Assert.Equal(SqsRecordStatus.Succeeded, r.Status);
            Assert.Same(notStored, r.Error);
        });
        Assert.Equal(2, _logs.Entries.Count(e => e.EventId.Id == ResponseNotStoredEvent && ReferenceEquals(e.Exception, notStored)));
        var summary = Assert.Single(_logs.Entries, e => e.EventId.Id == BatchCompletedEvent);
        Assert.Equal(2, summary.Fields["Succeeded"]);
        Assert.Equal(2, summary.Fields["ResponseNotStored"]);
        Assert.Equal(0, summary.Fields["Failed"]);
    }

    [Fact]
    public async Task Given_copies_of_a_key_whose_response_is_not_stored_When_the_batch_runs_Then_the_copies_are_acknowledged_as_replayed()
    {
        var reached = 0;
        var processor = Processors.OrderBuilder(new InMemoryIdempotencyStore())
            .WithLoggerFactory(_logs)
            .Use(async (_, _) =>
            {
                Interlocked.Increment(ref reached);
                await Task.Delay(100);
                throw new IdempotencyResponseNotStoredException("not stored", null, "label");
            })
            .Handle((_, _) => ValueTask.CompletedTask);

        var result = await processor.ProcessBatchAsync(
            SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1"), SqsEvents.OrderRecord("m-2", "o-1"), SqsEvents.OrderRecord("m-3", "o-1")),
            LambdaContexts.Create());

        Assert.Equal(1, reached);
        Assert.Empty(result.Response.BatchItemFailures);
        Assert.Equal(1, result.Records.Count(r => r.Status == SqsRecordStatus.Succeeded && r.Error is IdempotencyResponseNotStoredException));
        Assert.Equal(2, result.Records.Count(r => r.Status == SqsRecordStatus.Replayed && r.Error is null));
        var summary = Assert.Single(_logs.Entries, e => e.EventId.Id == BatchCompletedEvent);
        Assert.Equal(2, summary.Fields["Replayed"]);
        Assert.Equal(1, summary.Fields["ResponseNotStored"]);
    }

    [Fact]
    public async Task Given_a_record_in_progress_elsewhere_When_it_fails_Then_the_log_names_when_the_blocking_lease_lapses()
    {
        var store = new InMemoryIdempotencyStore();
        var executor = new IdempotencyExecutor(store, new IdempotencyOptions { KeyPrefix = "ship-orders", KeySource = IdempotencyKeySource.From<Order>(o => o.OrderId) });
        Assert.True(executor.TryGetKey(new IdempotencyInvocation<Order>(new Order("o-1", "u-1", "p-1")), out var key));
        var now = DateTimeOffset.UtcNow;
        var leaseEnd = now.AddMinutes(3);
        Assert.True((await store.TryBeginAsync(new BeginRequest(key, "other-invocation", now, now.AddHours(1), leaseEnd, null))).Acquired);
        var processor = SqsBatchProcessor.For<Order>("ship-orders").WithStore(store).WithKey(o => o.OrderId).WithLoggerFactory(_logs).Handle((_, _) => ValueTask.CompletedTask);

        var result = await processor.ProcessBatchAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1")), LambdaContexts.Create());

        Assert.Equal(SqsRecordFailureReason.InProgressElsewhere, Assert.Single(result.Records).Reason);
        var entry = Assert.Single(_logs.Entries, e => e.EventId.Id == 4002);
        Assert.Equal(leaseEnd, entry.Fields["InProgressExpiresAt"]);
        Assert.Equal(LogLevel.Information, entry.Level);
    }
}
