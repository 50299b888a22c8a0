using IdempotentConsumer;
using IdempotentConsumer.Execution;
using IdempotentConsumer.InProcess;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrderShippingConsumer.Shipping;
#if (UseDynamoDb)
#endif

namespace OrderShippingConsumer.Tests;

/// <summary>
/// The worker's own registrations (store, handler, idempotency settings) driven through the in-process
/// queue, which redelivers like SQS, so the tests need no server.
/// </summary>
public sealed class WorkerTests : IAsyncLifetime
{
    private readonly RecordingShippingApi _carrier = new();
#if (UseSqlite)
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"order-shipping-test-{Guid.NewGuid():N}.db");
#endif
    private readonly IHost _host;

    public WorkerTests()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Aws:Region"] = "us-east-1",
            ["Consumers:Orders:QueueUrl"] = "https://sqs.us-east-1.amazonaws.com/000000000000/orders",
#if (UseSqlite)
            ["Idempotency:Sqlite:DataSource"] = _database,
#endif
        });
        builder.Services.AddOrderShipping(builder.Configuration);
        builder.Services.AddSingleton<IShippingApi>(_carrier);
#if (UseDynamoDb)
        // The tests run without a server: the same consumer over the in-memory store.
        builder.Services.AddInMemoryIdempotencyStore();
#endif
        _host = builder.Build();
    }

    private static Order AnOrder(int number) => new($"ORD-{number}", "USR-1", "SKU-1");

    [Fact]
    public void Given_the_worker_registrations_Then_the_sqs_consumer_is_a_hosted_service()
    {
        Assert.NotEmpty(_host.Services.GetServices<IHostedService>());
        Assert.NotNull(_host.Services.GetRequiredService<IIdempotencyStore>());
    }

    [Fact]
    public async Task Given_duplicate_sends_and_duplicate_deliveries_Then_each_order_ships_exactly_once()
    {
        var queue = new InProcessQueue(new InProcessQueueOptions
        {
            VisibilityTimeout = TimeSpan.FromSeconds(5),
            DuplicateDeliveryProbability = 0.5,
            RandomSeed = 42,
        });
        for (var number = 1; number <= 20; number++)
        {
            var body = System.Text.Json.JsonSerializer.Serialize(AnOrder(number), System.Text.Json.JsonSerializerOptions.Web);
            await queue.SendAsync(body);
            if (number % 4 == 0)
            {
                // The producer's retry after a timed-out send: a second message with the same order.
                await queue.SendAsync(body);
            }
        }

        var pipeline = BuildPipeline();
        var deliveries = 0;
        while (await queue.ReceiveAsync(10) is { Count: > 0 } batch)
        {
            foreach (var message in batch)
            {
                deliveries++;
                using var scope = _host.Services.CreateScope();
                var result = await pipeline.ProcessAsync(
                    new IncomingMessage { MessageId = message.MessageId, Body = message.Body, ReceiveCount = message.ApproximateReceiveCount },
                    scope.ServiceProvider);
                Assert.True(result.IsSuccess, result.Error?.ToString());
                await queue.DeleteAsync(message.ReceiptHandle);
            }
        }

        Assert.True(deliveries > 25, $"expected duplicates, got {deliveries} deliveries");
        Assert.Equal(20, _carrier.Shipments.Count);
        Assert.Equal(20, _carrier.Shipments.Select(shipment => shipment.OrderId).Distinct().Count());
        Assert.Equal(20, _carrier.Calls.Count);
    }

    [Fact]
    public async Task Given_an_order_without_an_id_Then_it_fails_and_nothing_ships()
    {
        using var scope = _host.Services.CreateScope();
        var result = await BuildPipeline().ProcessAsync(
            new IncomingMessage { MessageId = "m-1", Body = """{"userId":"USR-1","productId":"SKU-1"}""" },
            scope.ServiceProvider);

        Assert.False(result.IsSuccess);
        Assert.Empty(_carrier.Calls);
    }

    /// <summary>The pipeline the hosted consumer runs: the app's store and handler with the app's idempotency settings.</summary>
    private MessagePipeline<Order> BuildPipeline()
    {
        var options = new IdempotencyOptions();
        OrderShippingServices.ConfigureIdempotency(options);
        var executor = new IdempotencyExecutor(_host.Services.GetRequiredService<IIdempotencyStore>(), options);
        return new MessagePipelineBuilder<Order>()
            .UseIdempotency(executor)
            .BuildWithHandlerFromServices<ShipOrderHandler>();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_host is IAsyncDisposable host)
        {
            await host.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }
#if (UseSqlite)

        foreach (var file in new[] { _database, _database + "-wal", _database + "-shm" })
        {
            File.Delete(file);
        }
#endif
    }
}
