using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Records;
using IdempotentConsumer.Reliability.Tests.Support;
using IdempotentConsumer.Stores;
using Xunit;

namespace IdempotentConsumer.Reliability.Tests.BadInput;

/// <summary>
/// Runs one bad message in the middle of a batch of good orders through a real pipeline, as an adapter
/// would (concurrently, one result per message), and checks "typed error, only this message fails,
/// nothing lost".
/// </summary>
internal sealed class BadInputBatch<TMessage>
{
    private const int GoodOrders = 6;

    private readonly IIdempotencyStore _store;
    private readonly IdempotencyExecutor _executor;
    private readonly MessagePipeline<TMessage> _pipeline;
    private readonly Func<TMessage, string> _orderIdOf;

    public BadInputBatch(
        IIdempotencyStore store,
        IdempotencyKeySource keySource,
        Func<TMessage, string> orderIdOf,
        Action<IdempotencyOptions>? configure = null,
        Func<TMessage, object?>? response = null)
    {
        _store = store;
        _orderIdOf = orderIdOf;
        var options = new IdempotencyOptions { KeyPrefix = $"bad-input-{Guid.NewGuid():N}", KeySource = keySource, ThrowOnMissingKey = true };
        configure?.Invoke(options);
        _executor = new IdempotencyExecutor(store, options);
        _pipeline = new MessagePipelineBuilder<TMessage>()
            .UseIdempotency(_executor)
            .Build(async context =>
            {
                await Shipping.ShipAsync(_orderIdOf(context.Message), context.IdempotencyKey!, context.CancellationToken);
                return response?.Invoke(context.Message);
            });
    }

    public ShippingApi Shipping { get; } = new();

    public IdempotencyExecutor Executor => _executor;

    public MessagePipeline<TMessage> Pipeline => _pipeline;

    /// <summary>Processes the good orders and <paramref name="badBody"/> together and returns the bad message's result after checking the good ones.</summary>
    public async Task<MessageProcessingResult> RunAsync(string badBody, Func<int, string>? goodBody = null)
    {
        goodBody ??= i => System.Text.Json.JsonSerializer.Serialize(Order.Numbered(i), System.Text.Json.JsonSerializerOptions.Web);
        var messages = Enumerable.Range(0, GoodOrders)
            .Select(i => new IncomingMessage { MessageId = $"good-{i}", Body = goodBody(i) })
            .ToList();
        messages.Insert(GoodOrders / 2, new IncomingMessage { MessageId = "bad", Body = badBody });

        var results = await Task.WhenAll(messages.Select(m => Task.Run(async () => await _pipeline.ProcessAsync(m, EmptyServices.Instance))));

        var bad = Assert.Single(results, r => r.MessageId == "bad");
        var good = results.Where(r => r.MessageId != "bad").ToList();
        Assert.All(good, r => Assert.True(r.Status == MessageProcessingStatus.Succeeded, $"{r.MessageId} failed with {r.Error}"));
        Assert.Equal(GoodOrders, Shipping.ShipmentsByOrder.Count(o => o.Key.StartsWith("order-", StringComparison.Ordinal) && o.Value == 1));
        foreach (var result in good)
        {
            var record = await _store.GetAsync(result.IdempotencyKey!);
            Assert.Equal(IdempotencyRecordStatus.Completed, record?.Status);
        }

        return bad;
    }

    /// <summary>
    /// Asserts the bad message failed with exactly <paramref name="expected"/>, reported under its own id (so the
    /// adapter leaves it on the queue), and, unless it failed only after its side effect, shipped nothing.
    /// </summary>
    public void AssertFailedWith(MessageProcessingResult bad, Type expected, bool failsAfterSideEffect = false)
    {
        Assert.Equal("bad", bad.MessageId);
        Assert.Equal(MessageProcessingStatus.Failed, bad.Status);
        Assert.False(bad.IsSuccess);
        Assert.NotNull(bad.Error);
        Assert.True(expected == bad.Error!.GetType(), $"Expected {expected.Name}, got {bad.Error.GetType().Name}: {bad.Error.Message}");
        Assert.Equal(GoodOrders + (failsAfterSideEffect ? 1 : 0), Shipping.Calls);
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static EmptyServices Instance { get; } = new();

        public object? GetService(Type serviceType) => null;
    }
}
