using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Tests.Support;
using Xunit;

namespace IdempotentConsumer.Tests.Pipeline;

/// <summary>Bodies that cannot become the handler's message fail that message only; the pipeline never throws.</summary>
public sealed class DeserializationTests
{
    [Theory]
    [InlineData("""{"orderId":"o-1","quantity":""", "malformed JSON")]
    [InlineData("", "empty body")]
    [InlineData("   ", "whitespace body")]
    [InlineData("null", "JSON null")]
    [InlineData("[1,2,3]", "an array instead of an object")]
    [InlineData("""{"orderId":"o-1"}""", "a required member missing")]
    [InlineData("""{"orderId":"o-1","quantity":"many"}""", "a member of the wrong type")]
    [InlineData("not json at all", "plain text")]
    public async Task Given_a_body_that_is_not_a_valid_message_When_processed_Then_the_result_is_failed_with_message_deserialization_and_the_handler_does_not_run(string body, string why)
    {
        var handlerCalls = 0;
        var pipeline = new MessagePipelineBuilder<ShipOrder>().Build((_, _, _) =>
        {
            handlerCalls++;
            return ValueTask.CompletedTask;
        });

        var result = await pipeline.ProcessAsync(PipelineHarness.Message(body, "m-1"), PipelineHarness.NoServices);

        Assert.Equal(MessageProcessingStatus.Failed, result.Status);
        Assert.IsType<MessageDeserializationException>(result.Error);
        Assert.Contains("m-1", result.Error.Message, StringComparison.Ordinal);
        Assert.False(result.IsSuccess);
        Assert.Equal(0, handlerCalls);
        Assert.True(why.Length > 0);
    }

    [Fact]
    public async Task Given_a_valid_body_with_every_required_member_When_processed_Then_the_handler_gets_the_typed_message()
    {
        ShipOrder? seen = null;
        var pipeline = new MessagePipelineBuilder<ShipOrder>().Build((m, _, _) =>
        {
            seen = m;
            return ValueTask.CompletedTask;
        });

        var result = await pipeline.ProcessAsync(PipelineHarness.Message("""{"orderId":"o-1","quantity":2}"""), PipelineHarness.NoServices);

        Assert.Equal(MessageProcessingStatus.Succeeded, result.Status);
        Assert.Equal("o-1", seen!.OrderId);
        Assert.Equal(2, seen.Quantity);
    }

    [Fact]
    public async Task Given_a_string_message_type_When_any_body_arrives_Then_the_handler_gets_the_raw_text()
    {
        string? seen = null;
        var pipeline = new MessagePipelineBuilder<string>().Build((m, _, _) =>
        {
            seen = m;
            return ValueTask.CompletedTask;
        });

        await pipeline.ProcessAsync(PipelineHarness.Message("not json at all"), PipelineHarness.NoServices);

        Assert.Equal("not json at all", seen);
    }

    [Fact]
    public async Task Given_a_source_generated_type_info_When_a_body_arrives_Then_it_deserializes_through_it()
    {
        Order? seen = null;
        var pipeline = new MessagePipelineBuilder<Order>()
            .WithTypeInfo(TestJsonContext.Default.Order)
            .Build((m, _, _) =>
            {
                seen = m;
                return ValueTask.CompletedTask;
            });

        await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-5"), PipelineHarness.NoServices);

        Assert.Equal(new Order("o-5", "u-1", 3m), seen);
    }

    [Fact]
    public async Task Given_a_handler_that_throws_When_processed_Then_the_result_is_failed_with_that_exception_and_nothing_is_thrown()
    {
        var failure = new InvalidOperationException("nope");
        var pipeline = new MessagePipelineBuilder<Order>().Build((_, _, _) => throw failure);

        var result = await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-1"), PipelineHarness.NoServices);

        Assert.Equal(MessageProcessingStatus.Failed, result.Status);
        Assert.Same(failure, result.Error);
    }
    [Theory]
    [InlineData("""{"unexpected":true}""", "no member of the message at all")]
    [InlineData("""{"orderId":"o-1","userId":"u-1"}""", "a constructor parameter missing")]
    [InlineData("""{"orderId":null,"userId":"u-1","amount":1}""", "a non-nullable member null")]
    public async Task Given_a_body_of_the_wrong_shape_for_a_positional_record_When_processed_Then_it_is_malformed_and_no_handler_or_store_runs(string body, string why)
    {
        foreach (var builder in new[] { new MessagePipelineBuilder<Order>(), new MessagePipelineBuilder<Order>().WithTypeInfo(TestJsonContext.Default.Order) })
        {
            var h = new ExecutorHarness();
            var pipeline = builder.UseIdempotency(h.Executor).Build(async (m, _, ct) => await h.Ship(m, ct));

            var result = await pipeline.ProcessAsync(PipelineHarness.Message(body, "m-1"), PipelineHarness.NoServices);

            Assert.Equal(MessageProcessingStatus.Failed, result.Status);
            Assert.IsType<MessageDeserializationException>(result.Error);
            Assert.Equal(0, h.HandlerCalls);
            Assert.Equal(0, h.InMemory.Count);
            Assert.True(why.Length > 0);
        }
    }

    [Fact]
    public async Task Given_a_nullable_key_member_present_but_null_When_processed_Then_it_is_a_missing_key_not_a_shared_record()
    {
        var calls = 0;
        var h = new ExecutorHarness(o => o.KeySource = IdempotencyKeySource.FromJmesPath("[userId, orderId]"));
        var pipeline = new MessagePipelineBuilder<LooseOrder>().UseIdempotency(h.Executor).Build((_, _, _) =>
        {
            calls++;
            return ValueTask.CompletedTask;
        });

        var first = await pipeline.ProcessAsync(PipelineHarness.Message("""{"orderId":null,"userId":null}""", "m-1"), PipelineHarness.NoServices);
        var second = await pipeline.ProcessAsync(PipelineHarness.Message("""{"orderId":null,"userId":null}""", "m-2"), PipelineHarness.NoServices);

        Assert.Equal(MessageProcessingStatus.Succeeded, first.Status);
        Assert.Equal(MessageProcessingStatus.Succeeded, second.Status);
        Assert.Equal(2, calls);
        Assert.Equal(0, h.InMemory.Count);
    }

    [Fact]
    public async Task Given_a_nullable_key_member_present_but_null_and_keys_required_When_processed_Then_it_fails_as_key_missing()
    {
        var h = new ExecutorHarness(o =>
        {
            o.KeySource = IdempotencyKeySource.From<LooseOrder>(m => new { m.UserId, m.OrderId });
            o.ThrowOnMissingKey = true;
        });
        var pipeline = new MessagePipelineBuilder<LooseOrder>().UseIdempotency(h.Executor).Build((_, _, _) => ValueTask.CompletedTask);

        var result = await pipeline.ProcessAsync(PipelineHarness.Message("""{"orderId":null}""", "m-1"), PipelineHarness.NoServices);

        Assert.Equal(MessageProcessingStatus.Failed, result.Status);
        Assert.IsType<IdempotencyKeyMissingException>(result.Error);
        Assert.Equal(0, h.InMemory.Count);
    }

    /// <summary>A message whose members may be absent or null.</summary>
    public sealed record LooseOrder(string? OrderId = null, string? UserId = null);
}
