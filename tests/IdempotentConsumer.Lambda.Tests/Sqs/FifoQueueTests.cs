using System.Collections.Concurrent;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Lambda.Tests.Support;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Lambda.Tests.Sqs;

/// <summary>
/// FIFO rules on hand-built batches holding several messages of one group (fauxqs returns at most one message per
/// group per receive, so these rules cannot be exercised through it).
/// </summary>
public sealed class FifoQueueTests
{
    private readonly InMemoryIdempotencyStore _store = new();
    private readonly SideEffects _shipments = new();

    // Batch order: a1 b1 a2 b2 a3 c1 — groups a (3 messages), b (2), c (1).
    private static Amazon.Lambda.SQSEvents.SQSEvent InterleavedBatch() => SqsEvents.Of(
        SqsEvents.FifoRecord("a1", "a", SqsEvents.OrderJson("a1")),
        SqsEvents.FifoRecord("b1", "b", SqsEvents.OrderJson("b1")),
        SqsEvents.FifoRecord("a2", "a", SqsEvents.OrderJson("a2")),
        SqsEvents.FifoRecord("b2", "b", SqsEvents.OrderJson("b2")),
        SqsEvents.FifoRecord("a3", "a", SqsEvents.OrderJson("a3")),
        SqsEvents.FifoRecord("c1", "c", SqsEvents.OrderJson("c1")));

    private static ValueTask FailOn(string orderId, Order order) =>
        order.OrderId == orderId ? throw new InvalidOperationException($"{orderId} failed") : ValueTask.CompletedTask;

    [Fact]
    public async Task Given_a_failure_in_a_group_When_FailRestOfGroup_Then_the_rest_of_that_group_fails_without_running_and_other_groups_go_on()
    {
        var processor = Processors.Shipping(_store, _shipments, before: (order, _, _) => FailOn("a2", order));

        var result = await processor.ProcessBatchAsync(InterleavedBatch(), LambdaContexts.Create(out var log));

        Assert.True(result.IsFifo);
        Assert.Equal(["a2", "a3"], result.Response.BatchItemFailures.Select(f => f.ItemIdentifier));
        Assert.Equal(SqsRecordFailureReason.Retry, result.Records[2].Reason);
        Assert.Equal(SqsRecordStatus.NotStarted, result.Records[4].Status);
        Assert.Equal(SqsRecordFailureReason.PreviousFailureInGroup, result.Records[4].Reason);
        Assert.Equal(0, _shipments["a3"]);
        Assert.Equal(1, _shipments["b2"]);
        Assert.Equal(1, _shipments["c1"]);
        Assert.Equal("PreviousFailureInGroup", Assert.Single(log.EntriesFor("a3")).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Given_a_failure_When_FailRestOfBatch_Then_every_later_record_of_the_batch_fails_without_running()
    {
        var processor = Processors.Shipping(_store, _shipments, b => b.Configure(o => o.FifoFailureMode = FifoFailureMode.FailRestOfBatch), (order, _, _) => FailOn("a2", order));

        var result = await processor.ProcessBatchAsync(InterleavedBatch(), LambdaContexts.Create());

        Assert.Equal(["a2", "b2", "a3", "c1"], result.Response.BatchItemFailures.Select(f => f.ItemIdentifier));
        Assert.Equal(["a1", "b1"], _shipments.Order.Where(id => _shipments[id] > 0));
        Assert.All(result.Records.Skip(3), r => Assert.Equal(SqsRecordFailureReason.PreviousFailureInBatch, r.Reason));
        Assert.Equal(2, _shipments.Total);
    }

    [Fact]
    public async Task Given_FailRestOfBatch_When_records_run_Then_they_run_one_at_a_time_in_batch_order()
    {
        var processor = Processors.Shipping(_store, _shipments, b => b.Configure(o => o.FifoFailureMode = FifoFailureMode.FailRestOfBatch), async (_, _, ct) =>
        {
            using (_shipments.Enter())
            {
                await Task.Delay(10, ct);
            }
        });

        await processor.ProcessAsync(InterleavedBatch(), LambdaContexts.Create());

        Assert.Equal(["a1", "b1", "a2", "b2", "a3", "c1"], _shipments.Order);
        Assert.Equal(1, _shipments.MaxConcurrent);
    }

    [Fact]
    public async Task Given_several_groups_When_FailRestOfGroup_Then_groups_run_concurrently_but_each_group_in_order_and_one_at_a_time()
    {
        var activePerGroup = new ConcurrentDictionary<string, int>();
        var overlapInGroup = 0;
        var processor = Processors.Shipping(_store, _shipments, b => b.Configure(o => o.MaxConcurrency = 3), async (order, context, ct) =>
        {
            var group = context.Incoming.MessageGroupId!;
            if (activePerGroup.AddOrUpdate(group, 1, (_, n) => n + 1) > 1)
            {
                Interlocked.Increment(ref overlapInGroup);
            }

            using (_shipments.Enter())
            {
                await Task.Delay(30, ct);
            }

            activePerGroup.AddOrUpdate(group, 0, (_, n) => n - 1);
        });

        var result = await processor.ProcessBatchAsync(InterleavedBatch(), LambdaContexts.Create());

        Assert.True(result.AllSucceeded);
        Assert.Equal(0, overlapInGroup);
        Assert.True(_shipments.MaxConcurrent > 1, "different groups should overlap");
        Assert.Equal(["a1", "a2", "a3"], _shipments.Order.Where(id => id.StartsWith('a')));
        Assert.Equal(["b1", "b2"], _shipments.Order.Where(id => id.StartsWith('b')));
    }

    [Fact]
    public async Task Given_a_record_of_a_group_is_in_progress_elsewhere_When_the_batch_runs_Then_it_and_the_rest_of_its_group_are_redelivered()
    {
        var executor = new IdempotencyExecutor(_store, new IdempotencyOptions { KeyPrefix = "ship-orders", KeySource = Keys.IdempotencyKeySource.From<Order>(o => o.OrderId) });
        Assert.True(executor.TryGetKey(new IdempotencyInvocation<Order>(new Order("a2", "u", "p")), out var key));
        var now = DateTimeOffset.UtcNow;
        await _store.TryBeginAsync(new BeginRequest(key, "another-invocation", now, now.AddHours(1), now.AddMinutes(5), null));
        var processor = SqsBatchProcessor.For<Order>("ship-orders").WithStore(_store).WithKey(o => o.OrderId).Handle((order, _) =>
        {
            _shipments.Record(order.OrderId);
            return ValueTask.CompletedTask;
        });

        var result = await processor.ProcessBatchAsync(InterleavedBatch(), LambdaContexts.Create());

        Assert.Equal(["a2", "a3"], result.Response.BatchItemFailures.Select(f => f.ItemIdentifier));
        Assert.Equal(SqsRecordFailureReason.InProgressElsewhere, result.Records[2].Reason);
        Assert.Equal(0, _shipments["a3"]);
    }

    [Fact]
    public async Task Given_a_fifo_ARN_without_group_attributes_When_processed_Then_the_batch_is_fifo_and_a_failure_stops_the_rest()
    {
        var records = new[] { SqsEvents.OrderRecord("m-1", "o-1"), SqsEvents.OrderRecord("m-2", "o-2"), SqsEvents.OrderRecord("m-3", "o-3") };
        foreach (var record in records)
        {
            record.EventSourceArn = SqsEvents.FifoArn;
        }

        var processor = Processors.Shipping(_store, _shipments, before: (order, _, _) => FailOn("o-2", order));

        var result = await processor.ProcessBatchAsync(SqsEvents.Of(records), LambdaContexts.Create());

        Assert.True(result.IsFifo);
        Assert.Equal(["m-2", "m-3"], result.Response.BatchItemFailures.Select(f => f.ItemIdentifier));
    }

    [Fact]
    public async Task Given_group_attributes_on_a_standard_looking_ARN_When_processed_Then_the_group_attribute_alone_makes_it_fifo()
    {
        var records = new[] { SqsEvents.FifoRecord("m-1", "g", SqsEvents.OrderJson("o-1")), SqsEvents.FifoRecord("m-2", "g", SqsEvents.OrderJson("o-2")) };
        foreach (var record in records)
        {
            record.EventSourceArn = SqsEvents.StandardArn;
        }

        var processor = Processors.Shipping(_store, _shipments, before: (order, _, _) => FailOn("o-1", order));

        var result = await processor.ProcessBatchAsync(SqsEvents.Of(records), LambdaContexts.Create());

        Assert.True(result.IsFifo);
        Assert.Equal(["m-1", "m-2"], result.Response.BatchItemFailures.Select(f => f.ItemIdentifier));
    }

    [Fact]
    public async Task Given_QueueType_Standard_When_a_fifo_batch_arrives_Then_failures_do_not_propagate()
    {
        var processor = Processors.Shipping(_store, _shipments, b => b.Configure(o => o.QueueType = SqsQueueType.Standard), (order, _, _) => FailOn("a2", order));

        var result = await processor.ProcessBatchAsync(InterleavedBatch(), LambdaContexts.Create());

        Assert.False(result.IsFifo);
        Assert.Equal("a2", Assert.Single(result.Response.BatchItemFailures).ItemIdentifier);
    }

    [Fact]
    public async Task Given_the_fifo_fixture_When_keyed_by_MessageDeduplicationId_Then_the_late_producer_retry_is_replayed()
    {
        var processor = SqsBatchProcessor.For<Order>("ship-orders")
            .WithStore(_store)
            .WithDeduplicationIdKey()
            .Handle((order, _) =>
            {
                _shipments.Record(order.OrderId);
                return ValueTask.CompletedTask;
            });

        var result = await processor.ProcessBatchAsync(FixtureFiles.Load("sqs-fifo.json"), LambdaContexts.Create());

        Assert.True(result.AllSucceeded);
        Assert.Equal(SqsRecordStatus.Replayed, result.Records[3].Status);
        Assert.Equal(1, _shipments["o-2001"]);
        Assert.Equal(3, _shipments.Total);
    }

    [Fact]
    public async Task Given_MessageDeduplicationId_key_and_a_required_key_When_a_standard_record_arrives_Then_it_fails_as_KeyMissing()
    {
        var processor = SqsBatchProcessor.For<Order>("ship-orders")
            .WithStore(_store)
            .WithDeduplicationIdKey()
            .WithIdempotency(o => o.ThrowOnMissingKey = true)
            .Handle((order, _) =>
            {
                _shipments.Record(order.OrderId);
                return ValueTask.CompletedTask;
            });

        var result = await processor.ProcessBatchAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1")), LambdaContexts.Create());

        Assert.Equal(SqsRecordFailureReason.Poison, Assert.Single(result.Records).Reason);
        Assert.IsType<Exceptions.IdempotencyKeyMissingException>(Assert.Single(result.Records).Error);
        Assert.Equal(0, _shipments.Total);
    }
}
