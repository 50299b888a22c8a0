using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace IdempotentConsumer.Tests.Pipeline;

/// <summary>Middleware composition and handler resolution.</summary>
public sealed class MiddlewareTests
{
    [Fact]
    public async Task Given_three_middleware_When_a_message_is_processed_Then_the_first_added_is_outermost_and_each_unwinds_in_reverse()
    {
        var trace = new List<string>();
        var pipeline = new MessagePipelineBuilder<Order>()
            .Use(Step("a", trace))
            .Use(Step("b", trace))
            .Use(new RecordingMiddleware("c", trace))
            .Build((_, _, _) =>
            {
                trace.Add("handler");
                return ValueTask.CompletedTask;
            });

        await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-1"), PipelineHarness.NoServices);

        Assert.Equal(["a>", "b>", "c>", "handler", "<c", "<b", "<a"], trace);
    }

    [Fact]
    public async Task Given_a_middleware_that_does_not_call_next_When_a_message_is_processed_Then_it_short_circuits_the_handler()
    {
        var handlerCalls = 0;
        var pipeline = new MessagePipelineBuilder<Order>()
            .Use((_, _) => ValueTask.FromResult<object?>("filtered"))
            .Build((_, _, _) =>
            {
                handlerCalls++;
                return ValueTask.CompletedTask;
            });

        var result = await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-1"), PipelineHarness.NoServices);

        Assert.Equal(0, handlerCalls);
        Assert.Equal("filtered", result.Response);
    }

    [Fact]
    public async Task Given_a_middleware_that_puts_an_item_in_the_context_When_the_handler_runs_Then_it_sees_the_item_and_the_delivery_details()
    {
        MessageContext<Order>? seen = null;
        var pipeline = new MessagePipelineBuilder<Order>()
            .Use((ctx, next) =>
            {
                ctx.Items["tenant"] = "t-1";
                return next(ctx);
            })
            .Build((_, ctx, _) =>
            {
                seen = ctx;
                return ValueTask.CompletedTask;
            });
        var incoming = PipelineHarness.OrderMessage("o-1", "m-9") with
        {
            ReceiveCount = 3,
            Attributes = new Dictionary<string, string> { ["source"] = "test" },
        };

        await pipeline.ProcessAsync(incoming, PipelineHarness.NoServices);

        Assert.Equal("t-1", seen!.Items["tenant"]);
        Assert.Equal("m-9", seen.MessageId);
        Assert.Equal(3, seen.ReceiveCount);
        Assert.Equal("test", seen.Attributes["source"]);
        Assert.Equal(incoming.Body, seen.RawBody);
    }

    [Fact]
    public async Task Given_a_handler_registered_in_services_When_messages_are_processed_in_their_own_scopes_Then_each_gets_a_handler_from_its_scope()
    {
        var services = new ServiceCollection();
        services.AddScoped<ShipmentLog>();
        services.AddScoped<ShipOrderHandler>();
        await using var provider = services.BuildServiceProvider();
        var pipeline = new MessagePipelineBuilder<Order>().BuildWithHandlerFromServices<ShipOrderHandler>();
        var logs = new List<ShipmentLog>();

        foreach (var id in new[] { "o-1", "o-2" })
        {
            await using var scope = provider.CreateAsyncScope();
            var result = await pipeline.ProcessAsync(PipelineHarness.OrderMessage(id), scope.ServiceProvider);
            Assert.Equal(MessageProcessingStatus.Succeeded, result.Status);
            logs.Add(scope.ServiceProvider.GetRequiredService<ShipmentLog>());
        }

        Assert.Equal(["o-1"], logs[0].Shipped);
        Assert.Equal(["o-2"], logs[1].Shipped);
    }

    [Fact]
    public async Task Given_a_handler_type_missing_from_services_When_a_message_is_processed_Then_the_message_fails_instead_of_throwing()
    {
        var pipeline = new MessagePipelineBuilder<Order>().BuildWithHandlerFromServices<ShipOrderHandler>();

        var result = await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-1"), PipelineHarness.NoServices);

        Assert.Equal(MessageProcessingStatus.Failed, result.Status);
        Assert.IsType<InvalidOperationException>(result.Error);
    }

    [Fact]
    public async Task Given_a_handler_with_a_result_When_processed_Then_the_result_is_reported()
    {
        var pipeline = new MessagePipelineBuilder<Order>().Build(new ReceiptHandler());

        var result = await pipeline.ProcessAsync(PipelineHarness.OrderMessage("o-3"), PipelineHarness.NoServices);

        Assert.Equal(new ShipmentReceipt("o-3", "s-o-3", 1), result.Response);
    }

    private static Func<MessageContext<Order>, MessageHandlerDelegate<Order>, ValueTask<object?>> Step(string name, List<string> trace) =>
        async (ctx, next) =>
        {
            trace.Add(name + ">");
            var result = await next(ctx);
            trace.Add("<" + name);
            return result;
        };

    private sealed class RecordingMiddleware(string name, List<string> trace) : IMessageMiddleware<Order>
    {
        public async ValueTask<object?> InvokeAsync(MessageContext<Order> context, MessageHandlerDelegate<Order> next)
        {
            trace.Add(name + ">");
            var result = await next(context);
            trace.Add("<" + name);
            return result;
        }
    }

    private sealed class ShipmentLog
    {
        public List<string> Shipped { get; } = [];
    }

    private sealed class ShipOrderHandler(ShipmentLog log) : IMessageHandler<Order>
    {
        public ValueTask HandleAsync(Order message, MessageContext<Order> context, CancellationToken cancellationToken)
        {
            log.Shipped.Add(message.OrderId);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ReceiptHandler : IMessageHandler<Order, ShipmentReceipt>
    {
        public ValueTask<ShipmentReceipt> HandleAsync(Order message, MessageContext<Order> context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new ShipmentReceipt(message.OrderId, "s-" + message.OrderId, context.Attempt));
    }
}
