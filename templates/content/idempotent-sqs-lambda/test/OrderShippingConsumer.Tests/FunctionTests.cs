using Amazon.Lambda.SQSEvents;
using Amazon.Lambda.TestUtilities;
using Microsoft.Extensions.DependencyInjection;
using OrderShippingConsumer.Shipping;
#if (UseDynamoDb)
#elif (UseSqlite)
#endif

namespace OrderShippingConsumer.Tests;

public sealed class FunctionTests : IAsyncLifetime
{
    private static readonly TimeSpan InvocationTime = TimeSpan.FromSeconds(30);
    private readonly RecordingShippingApi _carrier = new();
#if (UseSqlite)
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"order-shipping-test-{Guid.NewGuid():N}.db");
#endif
    private readonly Function _function;

    public FunctionTests()
    {
        _function = new Function(services =>
        {
            services.AddSingleton<IShippingApi>(_carrier);
#if (UseDynamoDb)
            // The tests run without a server: the same pipeline over the in-memory store.
            services.AddInMemoryIdempotencyStore();
#elif (UseSqlite)
            services.AddSqliteIdempotencyStore(_database);
#endif
        });
    }

    private static Order AnOrder(string id = "ORD-1") => new(id, "USR-1", "SKU-1");

    /// <summary>The official test context (Amazon.Lambda.TestUtilities) with a fixed amount of remaining time.</summary>
    private static TestLambdaContext Invocation() => new() { RemainingTime = InvocationTime, FunctionName = "order-shipping-test" };

    [Fact]
    public async Task Given_one_order_delivered_twice_in_a_batch_Then_it_ships_once_even_after_the_queue_redelivers_what_was_reported()
    {
        var batch = SqsEvents.Batch(SqsEvents.OrderRecord("m-1", AnOrder()), SqsEvents.OrderRecord("m-2", AnOrder()));

        var first = await _function.HandleAsync(batch, Invocation());

        // Records of one batch run side by side: the copy that found the order in progress is reported for redelivery.
        var reported = (first.BatchItemFailures ?? []).Select(failure => failure.ItemIdentifier).ToHashSet();
        Assert.True(reported.Count <= 1, $"At most the duplicate may be reported, not {string.Join(", ", reported)}");
        Assert.Single(_carrier.Shipments);

        var redelivered = batch.Records!.Where(record => reported.Contains(record.MessageId!)).ToArray();
        var second = await _function.HandleAsync(SqsEvents.Batch(redelivered), Invocation());

        Assert.Empty(second.BatchItemFailures ?? []);
        Assert.Single(_carrier.Shipments);
    }

    [Fact]
    public async Task Given_an_order_redelivered_in_a_later_invocation_Then_it_does_not_ship_again()
    {
        await _function.HandleAsync(SqsEvents.Batch(SqsEvents.OrderRecord("m-1", AnOrder())), Invocation());

        var response = await _function.HandleAsync(SqsEvents.Batch(SqsEvents.OrderRecord("m-1", AnOrder(), receiveCount: 2)), Invocation());

        Assert.Empty(response.BatchItemFailures ?? []);
        Assert.Single(_carrier.Shipments);
        Assert.Single(_carrier.Calls);
    }

    [Fact]
    public async Task Given_different_orders_Then_each_ships_once_with_its_own_idempotency_key()
    {
        await _function.HandleAsync(
            SqsEvents.Batch(SqsEvents.OrderRecord("m-1", AnOrder("ORD-1")), SqsEvents.OrderRecord("m-2", AnOrder("ORD-2"))),
            Invocation());

        Assert.Equal(2, _carrier.Shipments.Count);
        var keys = _carrier.Calls.Select(call => call.Key).ToList();
        Assert.All(keys, key => Assert.StartsWith(OrderShippingServices.ConsumerName + "#", key, StringComparison.Ordinal));
        Assert.Equal(2, keys.Distinct().Count());
    }

    [Fact]
    public async Task Given_a_malformed_record_Then_only_that_record_is_reported_for_redelivery()
    {
        var response = await _function.HandleAsync(
            SqsEvents.Batch(SqsEvents.Record("bad", "not json"), SqsEvents.OrderRecord("good", AnOrder())),
            Invocation());

        var failure = Assert.Single(response.BatchItemFailures ?? []);
        Assert.Equal("bad", failure.ItemIdentifier);
        Assert.Single(_carrier.Shipments);
    }

    [Fact]
    public async Task Given_the_carrier_fails_Then_the_order_is_redelivered_and_ships_on_the_retry()
    {
        var attempts = 0;
        _carrier.FailWhen = _ => Interlocked.Increment(ref attempts) == 1 ? new InvalidOperationException("carrier down") : null;

        var first = await _function.HandleAsync(SqsEvents.Batch(SqsEvents.OrderRecord("m-1", AnOrder())), Invocation());
        var retry = await _function.HandleAsync(SqsEvents.Batch(SqsEvents.OrderRecord("m-1", AnOrder(), receiveCount: 2)), Invocation());

        Assert.Equal("m-1", Assert.Single(first.BatchItemFailures ?? []).ItemIdentifier);
        Assert.Empty(retry.BatchItemFailures ?? []);
        Assert.Single(_carrier.Shipments);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_function.Services is IAsyncDisposable services)
        {
            await services.DisposeAsync();
        }
#if (UseSqlite)

        foreach (var file in new[] { _database, _database + "-wal", _database + "-shm" })
        {
            File.Delete(file);
        }
#endif
    }
}
