using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Lambda.Handlers;
using IdempotentConsumer.Lambda.Sqs;
using IdempotentConsumer.Lambda.Tests.Support;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace IdempotentConsumer.Lambda.Tests.Handlers;

/// <summary>
/// Without a consumer name or key prefix, every Lambda entry point prefixes keys with the function's identity,
/// <c>{AWS_LAMBDA_FUNCTION_NAME}.{_HANDLER}</c>, and fails loudly when that is unknown, instead of sharing "default".
/// </summary>
[Collection(ProcessWideStateCollection.Name)]
public sealed class DefaultKeyPrefixTests
{
    private const string Function = "orders-fn";
    private const string Handler = "Orders::Orders.Function::HandleAsync";
    private const string Identity = Function + "." + Handler;

    private readonly InMemoryIdempotencyStore _store = new();
    private readonly SideEffects _shipments = new();

    [Fact]
    public async Task Given_no_consumer_name_in_Lambda_When_the_processor_runs_Then_keys_are_prefixed_with_the_function_and_handler()
    {
        using var _ = new LambdaEnvironment(Function, Handler);
        var processor = SqsBatchProcessor.For<Order>().WithStore(_store).WithKey(o => o.OrderId).Handle(Ship);

        var result = await processor.ProcessBatchAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1")), LambdaContexts.Create());

        Assert.StartsWith(Identity + "#", Assert.Single(result.Records).IdempotencyKey);
        Assert.Equal(IdempotencyRecordStatus.Completed, (await _store.GetAsync(ExpectedKey(Identity, "o-1")))?.Status);
    }

    [Fact]
    public void Given_no_consumer_name_outside_Lambda_When_the_processor_is_built_Then_it_fails_with_a_configuration_error()
    {
        using var _ = new LambdaEnvironment(null, null);

        var error = Assert.Throws<IdempotencyConfigurationException>(() => SqsBatchProcessor.For<Order>().WithStore(_store).Handle(Ship));

        Assert.Contains("AWS_LAMBDA_FUNCTION_NAME", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_prefix_set_through_WithIdempotency_When_no_consumer_name_is_given_Then_that_prefix_wins()
    {
        using var _ = new LambdaEnvironment(Function, Handler);
        var processor = SqsBatchProcessor.For<Order>().WithStore(_store).WithKey(o => o.OrderId).WithIdempotency(o => o.KeyPrefix = "ship-orders").Handle(Ship);

        var result = await processor.ProcessBatchAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1")), LambdaContexts.Create());

        Assert.StartsWith("ship-orders#", Assert.Single(result.Records).IdempotencyKey);
    }

    [Fact]
    public async Task Given_only_the_function_name_in_Lambda_When_no_prefix_is_given_Then_keys_take_the_function_name()
    {
        using var _ = new LambdaEnvironment(Function, null);
        var processor = SqsBatchProcessor.For<Order>().WithStore(_store).WithKey(o => o.OrderId).Handle(Ship);

        var result = await processor.ProcessBatchAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1")), LambdaContexts.Create());

        Assert.StartsWith(Function + "#", Assert.Single(result.Records).IdempotencyKey);
    }

    [Fact]
    public async Task Given_no_prefix_in_AddIdempotency_When_the_registered_processor_runs_in_Lambda_Then_keys_take_the_function_identity()
    {
        using var _ = new LambdaEnvironment(Function, Handler);
        await using var provider = Services().BuildServiceProvider();

        var result = await provider.GetRequiredService<SqsBatchProcessor<Order>>().ProcessBatchAsync(SqsEvents.Of(SqsEvents.OrderRecord("m-1", "o-1")), LambdaContexts.Create());

        Assert.StartsWith(Identity + "#", Assert.Single(result.Records).IdempotencyKey);
    }

    [Fact]
    public async Task Given_no_prefix_in_AddIdempotency_outside_Lambda_When_the_processor_is_resolved_Then_it_fails_with_a_configuration_error()
    {
        using var _ = new LambdaEnvironment(null, null);
        await using var provider = Services().BuildServiceProvider();

        Assert.Throws<IdempotencyConfigurationException>(() => provider.GetRequiredService<SqsBatchProcessor<Order>>());
    }

    [Fact]
    public async Task Given_an_executor_without_a_prefix_When_a_handler_is_wrapped_in_Lambda_Then_its_record_is_under_the_function_identity()
    {
        using var _ = new LambdaEnvironment(null, Handler);
        var executor = new IdempotencyExecutor(_store, new IdempotencyOptions());
        var handler = IdempotentLambda.Wrap<Order, string>(executor, (o, _) => Task.FromResult("shipped " + o.OrderId), o => o.KeySelector = e => e.OrderId);

        Assert.Equal("shipped o-1", await handler(new Order("o-1", "u-1", "p-1"), LambdaContexts.Create()));

        Assert.Equal(IdempotencyRecordStatus.Completed, (await _store.GetAsync(ExpectedKey(Handler, "o-1")))?.Status);
        Assert.Null(await _store.GetAsync(ExpectedKey(new IdempotencyOptions().KeyPrefix, "o-1")));
    }

    [Fact]
    public void Given_an_executor_without_a_prefix_outside_Lambda_When_a_handler_is_wrapped_Then_it_fails_with_a_configuration_error()
    {
        using var _ = new LambdaEnvironment(null, null);
        var executor = new IdempotencyExecutor(_store, new IdempotencyOptions());

        Assert.Throws<IdempotencyConfigurationException>(() => IdempotentLambda.Wrap<Order, string>(executor, (o, _) => Task.FromResult(o.OrderId)));
    }

    private ServiceCollection Services()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IIdempotencyStore>(_store);
        services.AddIdempotency(o => o.KeyJmesPath = "orderId");
        services.AddSqsBatchProcessor<Order>(null, b => b.Handle((order, _, ct) => Ship(order, ct)));
        return services;
    }

    private ValueTask Ship(Order order, CancellationToken cancellationToken)
    {
        _shipments.Record(order.OrderId);
        return ValueTask.CompletedTask;
    }

    private static string ExpectedKey(string prefix, string orderId)
    {
        var keys = new IdempotencyExecutor(new InMemoryIdempotencyStore(), new IdempotencyOptions { KeyPrefix = prefix, KeySource = IdempotencyKeySource.From<Order>(o => o.OrderId) });
        Assert.True(keys.TryGetKey(new IdempotencyInvocation<Order>(new Order(orderId, "u-1", "p-1")), out var key));
        return key;
    }

    /// <summary>Sets the variables Lambda sets (null: unset) and restores them on dispose.</summary>
    private sealed class LambdaEnvironment : IDisposable
    {
        private readonly string? _function = Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME");
        private readonly string? _handler = Environment.GetEnvironmentVariable("_HANDLER");

        public LambdaEnvironment(string? function, string? handler)
        {
            Environment.SetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME", function);
            Environment.SetEnvironmentVariable("_HANDLER", handler);
        }

        public void Dispose()
        {
            Environment.SetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME", _function);
            Environment.SetEnvironmentVariable("_HANDLER", _handler);
        }
    }
}
