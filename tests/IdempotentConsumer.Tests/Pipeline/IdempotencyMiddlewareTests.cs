using System.Text.Json;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Records;
using IdempotentConsumer.Tests.Support;
using Xunit;

namespace IdempotentConsumer.Tests.Pipeline;

/// <summary>The idempotency step of the pipeline.</summary>
public sealed class IdempotencyMiddlewareTests
{
    [Fact]
    public async Task Given_a_message_delivered_twice_When_both_are_processed_Then_the_second_is_reported_replayed_with_the_stored_response()
    {
        var h = new ExecutorHarness();
        var handlerCalls = 0;
        var pipeline = new MessagePipelineBuilder<Order>()
            .UseIdempotency(h.Executor)
            .Build((MessageHandlerDelegate<Order>)(ctx =>
            {
                handlerCalls++;
                return ValueTask.FromResult<object?>(new ShipmentReceipt(ctx.Message.OrderId, "s-1", 1));
            }));

        var first = await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-1", "m-1"), PipelineHarness.NoServices);
        var second = await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-1", "m-2"), PipelineHarness.NoServices);

        Assert.Equal(MessageProcessingStatus.Succeeded, first.Status);
        Assert.Equal(MessageProcessingStatus.Replayed, second.Status);
        Assert.True(second.IsSuccess);
        Assert.Equal(1, handlerCalls);
        Assert.Equal(first.IdempotencyKey, second.IdempotencyKey);
        Assert.Equal(h.KeyOf(new Order("o-1", "u-1", 3m)), second.IdempotencyKey);
        var replayed = Assert.IsType<JsonElement>(second.Response);
        Assert.Equal("s-1", replayed.GetProperty("shipmentId").GetString());
    }

    [Fact]
    public async Task Given_a_message_whose_key_is_in_progress_elsewhere_When_processed_Then_it_fails_as_in_progress_and_the_handler_does_not_run()
    {
        var h = new ExecutorHarness();
        var handlerCalls = 0;
        MessageProcessingResult? nested = null;
        MessagePipeline<Order>? pipeline = null;
        pipeline = new MessagePipelineBuilder<Order>()
            .UseIdempotency(h.Executor)
            .Build(async (m, ctx, _) =>
            {
                if (Interlocked.Increment(ref handlerCalls) == 1)
                {
                    nested = await pipeline!.ProcessAsync(PipelineHarness.OrderMessage(m.OrderId), PipelineHarness.NoServices);
                }
            });

        var first = await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-1"), PipelineHarness.NoServices);

        Assert.Equal(MessageProcessingStatus.Succeeded, first.Status);
        Assert.Equal(MessageProcessingStatus.Failed, nested!.Status);
        Assert.True(nested.IsInProgressElsewhere);
        Assert.IsType<IdempotencyAlreadyInProgressException>(nested.Error);
        Assert.Equal(first.IdempotencyKey, nested.IdempotencyKey);
        Assert.Equal(1, handlerCalls);
    }

    [Fact]
    public async Task Given_the_key_comes_from_the_deduplication_id_When_two_sends_with_the_same_id_but_different_bodies_arrive_Then_the_second_is_replayed()
    {
        var h = new ExecutorHarness(o => o.KeySource = IdempotencyKeySource.WholePayload);
        var handlerCalls = 0;
        var pipeline = new MessagePipelineBuilder<Order>()
            .UseIdempotency(h.Executor, ctx => ctx.Incoming.MessageDeduplicationId)
            .Build((_, _, _) =>
            {
                handlerCalls++;
                return ValueTask.CompletedTask;
            });

        var first = await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-1") with { MessageDeduplicationId = "dedup-7" }, PipelineHarness.NoServices);
        var second = await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-2") with { MessageDeduplicationId = "dedup-7" }, PipelineHarness.NoServices);

        Assert.Equal(MessageProcessingStatus.Replayed, second.Status);
        Assert.Equal("orders-consumer#" + Execution.ExecutorKeyTests.Sha256Hex("dedup-7"), first.IdempotencyKey);
        Assert.Equal(1, handlerCalls);
    }

    [Fact]
    public async Task Given_the_key_comes_from_the_context_and_a_delivery_has_none_When_processed_Then_it_runs_unguarded_rather_than_falling_back_to_the_payload()
    {
        var h = new ExecutorHarness();
        var handlerCalls = 0;
        var pipeline = new MessagePipelineBuilder<Order>()
            .UseIdempotency(h.Executor, ctx => ctx.Incoming.MessageDeduplicationId)
            .Build((_, _, _) =>
            {
                handlerCalls++;
                return ValueTask.CompletedTask;
            });

        var first = await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-1"), PipelineHarness.NoServices);
        var second = await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-1"), PipelineHarness.NoServices);

        Assert.Equal(MessageProcessingStatus.Succeeded, second.Status);
        Assert.Null(first.IdempotencyKey);
        Assert.Equal(2, handlerCalls);
        Assert.Equal(0, h.InMemory.Count);
    }

    [Fact]
    public async Task Given_the_handler_runs_under_idempotency_When_it_reads_the_context_Then_it_sees_the_key_and_the_lease_and_the_lease_is_cleared_after()
    {
        var h = new ExecutorHarness();
        MessageContext<Order>? seen = null;
        string? keyDuring = null;
        IdempotencyLease? leaseDuring = null;
        var pipeline = new MessagePipelineBuilder<Order>()
            .UseIdempotency(h.Executor)
            .Build((_, ctx, _) =>
            {
                seen = ctx;
                keyDuring = ctx.IdempotencyKey;
                leaseDuring = ctx.Lease;
                return ValueTask.CompletedTask;
            });
        var context = new MessageContext<Order>(PipelineHarness.OrderMessage("o-1"), PipelineHarness.NoServices, CancellationToken.None)
        {
            LeaseDuration = TimeSpan.FromSeconds(42),
        };

        await pipeline.ProcessAsync(context);

        Assert.Same(context, seen);
        Assert.NotNull(keyDuring);
        Assert.Equal(keyDuring, leaseDuring!.Key);
        Assert.Equal(h.Time.GetUtcNow() + TimeSpan.FromSeconds(42), leaseDuring.ExpiresAt);
        Assert.Null(context.Lease);
        Assert.Equal(IdempotencyOutcomeKind.Executed, context.Outcome);
    }

    [Fact]
    public async Task Given_a_jmespath_key_over_the_raw_body_When_the_message_type_is_string_Then_the_body_is_read_as_json()
    {
        var h = new ExecutorHarness(o => o.KeySource = IdempotencyKeySource.FromJmesPath("orderId"));
        var pipeline = new MessagePipelineBuilder<string>()
            .UseIdempotency(h.Executor)
            .Build((_, _, _) => ValueTask.CompletedTask);

        var result = await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-1"), PipelineHarness.NoServices);

        Assert.Equal("orders-consumer#" + Execution.ExecutorKeyTests.Sha256Hex("o-1"), result.IdempotencyKey);
    }

    [Fact]
    public async Task Given_the_handler_fails_under_idempotency_When_processed_Then_the_message_fails_and_its_record_is_released_for_the_redelivery()
    {
        var h = new ExecutorHarness();
        var attempts = 0;
        var pipeline = new MessagePipelineBuilder<Order>()
            .UseIdempotency(h.Executor)
            .Build((_, _, _) => ++attempts == 1 ? throw new InvalidOperationException("first try fails") : ValueTask.CompletedTask);

        var first = await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-1"), PipelineHarness.NoServices);
        var redelivery = await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-1"), PipelineHarness.NoServices);

        Assert.Equal(MessageProcessingStatus.Failed, first.Status);
        Assert.Equal(MessageProcessingStatus.Succeeded, redelivery.Status);
        Assert.Equal(IdempotencyRecordStatus.Completed, (await h.InMemory.GetAsync(redelivery.IdempotencyKey!))!.Status);
    }
}
