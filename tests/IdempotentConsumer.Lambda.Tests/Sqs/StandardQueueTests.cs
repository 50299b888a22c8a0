using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Lambda.Tests.Support;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Lambda.Tests.Sqs;

public sealed class StandardQueueTests
{
    private readonly InMemoryIdempotencyStore _store = new();
    private readonly SideEffects _shipments = new();

    [Fact]
    public async Task Given_the_standard_fixture_When_processed_one_at_a_time_Then_the_producers_duplicate_is_replayed_and_nothing_fails()
    {
        var processor = Processors.Shipping(_store, _shipments, b => b.Configure(o => o.MaxConcurrency = 1));

        var result = await processor.ProcessBatchAsync(FixtureFiles.Load("sqs-standard.json"), LambdaContexts.Create());

        Assert.Empty(result.Response.BatchItemFailures);
        Assert.False(result.IsFifo);
        Assert.Equal([SqsRecordStatus.Succeeded, SqsRecordStatus.Replayed, SqsRecordStatus.Succeeded], result.Records.Select(r => r.Status));
        Assert.Equal(1, _shipments["o-1001"]);
        Assert.Equal(1, _shipments["o-1002"]);
        Assert.Equal(result.Records[0].IdempotencyKey, result.Records[1].IdempotencyKey);
        Assert.StartsWith("ship-orders#", result.Records[0].IdempotencyKey);
    }

    [Fact]
    public async Task Given_the_same_order_twice_in_one_batch_When_processed_concurrently_Then_it_ships_once_and_the_loser_is_replayed_or_redelivered()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var processor = Processors.Shipping(_store, _shipments, b => b.Configure(o => o.MaxConcurrency = 2), async (_, _, ct) => await gate.Task.WaitAsync(TimeSpan.FromSeconds(5), ct));
        var batch = SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1"), SqsEvents.OrderRecord("m-2", "o-1"));

        var processing = processor.ProcessBatchAsync(batch, LambdaContexts.Create());
        await Task.Delay(100);
        gate.SetResult();
        var result = await processing;

        Assert.Equal(1, _shipments["o-1"]);
        var loser = Assert.Single(result.Records, r => r.Status != SqsRecordStatus.Succeeded);
        if (loser.Status == SqsRecordStatus.Failed)
        {
            Assert.Equal(SqsRecordFailureReason.InProgressElsewhere, loser.Reason);
            Assert.Equal(loser.MessageId, Assert.Single(result.Response.BatchItemFailures).ItemIdentifier);
        }
        else
        {
            Assert.Equal(SqsRecordStatus.Replayed, loser.Status);
        }
    }

    [Fact]
    public async Task Given_one_handler_failure_When_the_batch_runs_Then_only_that_record_is_a_batch_item_failure()
    {
        var processor = Processors.Shipping(_store, _shipments, before: (order, _, _) =>
            order.OrderId == "o-2" ? throw new InvalidOperationException("shipping API said no") : ValueTask.CompletedTask);
        var batch = SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1"), SqsEvents.OrderRecord("m-2", "o-2"), SqsEvents.OrderRecord("m-3", "o-3"));

        var result = await processor.ProcessBatchAsync(batch, LambdaContexts.Create(out var log));

        Assert.Equal("m-2", Assert.Single(result.Response.BatchItemFailures).ItemIdentifier);
        Assert.Equal(SqsRecordFailureReason.Retry, result.Records[1].Reason);
        Assert.Equal(1, _shipments["o-1"]);
        Assert.Equal(1, _shipments["o-3"]);
        Assert.Null(await _store.GetAsync(result.Records[1].IdempotencyKey!));
        var entry = Assert.Single(log.EntriesFor("m-2"));
        Assert.Equal("Retry", entry.GetProperty("reason").GetString());
        Assert.Equal("Warning", entry.GetProperty("level").GetString());
    }

    [Fact]
    public async Task Given_a_failed_record_When_it_is_redelivered_and_succeeds_Then_it_ships_once_and_the_completed_records_replay()
    {
        var attempts = 0;
        var processor = Processors.Shipping(_store, _shipments, before: (order, _, _) =>
            order.OrderId == "o-2" && Interlocked.Increment(ref attempts) == 1 ? throw new TimeoutException("downstream timeout") : ValueTask.CompletedTask);
        var batch = SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1"), SqsEvents.OrderRecord("m-2", "o-2"));

        var first = await processor.ProcessAsync(batch, LambdaContexts.Create());
        var second = await processor.ProcessBatchAsync(batch, LambdaContexts.Create());

        Assert.Equal("m-2", Assert.Single(first.BatchItemFailures).ItemIdentifier);
        Assert.Empty(second.Response.BatchItemFailures);
        Assert.Equal([SqsRecordStatus.Replayed, SqsRecordStatus.Succeeded], second.Records.Select(r => r.Status));
        Assert.Equal(1, _shipments["o-1"]);
        Assert.Equal(1, _shipments["o-2"]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(10)]
    public async Task Given_a_concurrency_bound_When_twenty_slow_records_run_Then_at_most_that_many_run_at_once_and_the_bound_is_reached(int bound)
    {
        var processor = Processors.Shipping(_store, _shipments, b => b.Configure(o => o.MaxConcurrency = bound), async (_, _, ct) =>
        {
            using (_shipments.Enter())
            {
                await Task.Delay(40, ct);
            }
        });
        var batch = SqsEvents.Of([.. Enumerable.Range(1, 20).Select(i => SqsEvents.OrderRecord($"m-{i}", $"o-{i}"))]);

        var result = await processor.ProcessBatchAsync(batch, LambdaContexts.Create());

        Assert.True(result.AllSucceeded);
        Assert.Equal(20, _shipments.Total);
        Assert.Equal(bound, _shipments.MaxConcurrent);
    }

    [Fact]
    public async Task Given_an_empty_or_null_batch_When_processed_Then_the_response_has_no_failures()
    {
        var processor = Processors.Shipping(_store, _shipments);

        Assert.Empty((await processor.ProcessAsync(new Amazon.Lambda.SQSEvents.SQSEvent(), LambdaContexts.Create())).BatchItemFailures);
        Assert.Empty((await processor.ProcessAsync(SqsEvents.Of(), LambdaContexts.Create())).BatchItemFailures);
        Assert.Equal(0, _shipments.Total);
    }

    [Fact]
    public async Task Given_every_record_fails_When_ThrowOnAllFailed_is_off_Then_the_response_lists_them_all()
    {
        var processor = Processors.Shipping(_store, _shipments, before: (_, _, _) => throw new InvalidOperationException("down"));
        var batch = SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1"), SqsEvents.OrderRecord("m-2", "o-2"));

        var result = await processor.ProcessBatchAsync(batch, LambdaContexts.Create());

        Assert.True(result.AllFailed);
        Assert.Equal(["m-1", "m-2"], result.Response.BatchItemFailures.Select(f => f.ItemIdentifier));
    }

    [Fact]
    public async Task Given_every_record_fails_When_ThrowOnAllFailed_is_on_Then_the_invocation_throws_so_the_whole_batch_is_retried()
    {
        var processor = Processors.Shipping(_store, _shipments, b => b.Configure(o => o.ThrowOnAllFailed = true), (_, _, _) => throw new InvalidOperationException("down"));
        var batch = SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1"), SqsEvents.OrderRecord("m-2", "o-2"));

        var error = await Assert.ThrowsAsync<SqsBatchProcessingException>(() => processor.ProcessAsync(batch, LambdaContexts.Create()));

        Assert.Equal(2, error.InnerExceptions.Count);
        Assert.Equal(2, error.Result.Records.Count);
    }

    [Fact]
    public async Task Given_ThrowOnAllFailed_When_only_some_records_fail_Then_it_returns_a_response()
    {
        var processor = Processors.Shipping(_store, _shipments, b => b.Configure(o => o.ThrowOnAllFailed = true), (order, _, _) =>
            order.OrderId == "o-1" ? throw new InvalidOperationException("down") : ValueTask.CompletedTask);

        var response = await processor.ProcessAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1"), SqsEvents.OrderRecord("m-2", "o-2")), LambdaContexts.Create());

        Assert.Equal("m-1", Assert.Single(response.BatchItemFailures).ItemIdentifier);
    }

    [Fact]
    public async Task Given_a_failing_record_without_messageId_When_reported_Then_its_identifier_is_empty_so_Lambda_retries_the_whole_batch()
    {
        var processor = Processors.Shipping(_store, _shipments);
        var nameless = SqsEvents.Record("ignored", "{not json");
        nameless.MessageId = null;

        var response = await processor.ProcessAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1"), nameless), LambdaContexts.Create());

        Assert.Equal(string.Empty, Assert.Single(response.BatchItemFailures).ItemIdentifier);
    }

    [Fact]
    public async Task Given_no_logger_factory_When_a_batch_runs_Then_a_structured_summary_is_written_to_the_Lambda_logger()
    {
        var processor = Processors.Shipping(_store, _shipments, before: (order, _, _) =>
            order.OrderId == "o-2" ? throw new InvalidOperationException("down") : ValueTask.CompletedTask);
        var context = LambdaContexts.Create(out var log);

        await processor.ProcessAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1"), SqsEvents.OrderRecord("m-2", "o-2")), context);

        var summary = Assert.Single(log.Entries(), e => e.GetProperty("eventId").GetInt32() == 4010);
        Assert.Equal(2, summary.GetProperty("records").GetInt32());
        Assert.Equal(1, summary.GetProperty("succeeded").GetInt32());
        Assert.Equal(1, summary.GetProperty("failed").GetInt32());
        Assert.Equal(context.AwsRequestId, summary.GetProperty("awsRequestId").GetString());
        Assert.Equal("IdempotentConsumer.Lambda.Sqs", summary.GetProperty("category").GetString());
    }
}
