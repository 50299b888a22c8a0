using System.Globalization;
using Amazon.SQS;
using Amazon.SQS.Model;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrderShipping.Orders;
using OrderShipping.Shipping;

namespace OrderShipping.Worker.Tests;

/// <summary>
/// Two copies of the worker, as two containers would run, consume one fauxqs queue and share one SQLite
/// file; the producer sent some orders twice and some handlings die after the carrier shipped.
/// </summary>
public sealed class WorkerTests(FauxqsFixture fauxqs) : IClassFixture<FauxqsFixture>, IAsyncLifetime
{
    private const int Orders = 80;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(60);
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"order-shipping-worker-test-{Guid.NewGuid():N}.db");
    private readonly List<IHost> _hosts = [];

    private IHost StartWorker(string queueUrl, IShippingApi carrier)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Aws:ServiceUrl"] = fauxqs.ServiceUrl,
            ["Consumers:Orders:QueueUrl"] = queueUrl,
            ["Consumers:Orders:WaitTimeSeconds"] = "1",
            ["Consumers:Orders:VisibilityTimeout"] = "00:00:02",
            ["Consumers:Orders:MaxConcurrency"] = "5",
            ["Consumers:Orders:Redelivery:InitialDelay"] = "00:00:01",
            ["Consumers:Orders:Redelivery:InProgressDelay"] = "00:00:01",
            ["Idempotency:Store"] = "sqlite",
            ["Idempotency:Sqlite:DataSource"] = _database,
        });
        builder.Services.AddOrderShippingWorker(builder.Configuration);
        builder.Services.AddSingleton(carrier);
        var host = builder.Build();
        _hosts.Add(host);
        return host;
    }

    [Fact]
    public async Task Given_duplicate_sends_and_crashes_after_shipping_When_two_workers_drain_the_queue_Then_every_order_ships_exactly_once()
    {
        using var sqs = fauxqs.CreateSqsClient();
        var queueUrl = (await sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = "orders-" + Guid.NewGuid().ToString("N")[..8],
            Attributes = new Dictionary<string, string> { [QueueAttributeName.VisibilityTimeout] = "2" },
        })).QueueUrl;
        var random = new Random(3);
        var sends = 0;
        for (var number = 1; number <= Orders; number++)
        {
            var body = OrderJson.Serialize(new Order(string.Create(CultureInfo.InvariantCulture, $"ORD-{number:D3}"), "USR-1", "SKU-1"));
            var copies = random.NextDouble() < 0.25 ? 2 : 1; // the producer's retry after a send that timed out
            for (var copy = 0; copy < copies; copy++, sends++)
            {
                await sqs.SendMessageAsync(queueUrl, body);
            }
        }

        var carrier = new FakeShippingApi();
        var crashing = new CrashAfterShippingApi(carrier, ["ORD-005", "ORD-033", "ORD-071"]);
        var workers = new[] { StartWorker(queueUrl, crashing), StartWorker(queueUrl, crashing) };
        await Task.WhenAll(workers.Select(worker => worker.StartAsync()));

        await WaitUntilAsync(async () => carrier.ShippedOrderCount == Orders && await CountAsync(sqs, queueUrl) == 0);
        await Task.WhenAll(workers.Select(worker => worker.StopAsync()));

        Assert.True(sends > Orders);
        Assert.Equal(3, crashing.Crashes);
        Assert.Equal(Orders, carrier.ShipmentCount);
        Assert.All(carrier.ShipmentsPerOrder().Values, count => Assert.Equal(1, count));
        Assert.Equal(3, carrier.IdempotencyKeyHits);
    }

    private static async Task<int> CountAsync(IAmazonSQS sqs, string queueUrl)
    {
        var attributes = await sqs.GetQueueAttributesAsync(new GetQueueAttributesRequest
        {
            QueueUrl = queueUrl,
            AttributeNames = [QueueAttributeName.ApproximateNumberOfMessages, QueueAttributeName.ApproximateNumberOfMessagesNotVisible],
        });
        return attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(DrainTimeout);
        while (!await condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), timeout.Token);
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            if (host is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
            else
            {
                host.Dispose();
            }
        }

        foreach (var file in new[] { _database, _database + "-wal", _database + "-shm" })
        {
            File.Delete(file);
        }
    }
}

/// <summary>The store switch in configuration.</summary>
public sealed class WorkerRegistrationTests
{
    [Theory]
    [InlineData("sqlite", "SqliteIdempotencyStore")]
    [InlineData("dynamodb", "DynamoDbIdempotencyStore")]
    public void Given_an_idempotency_store_setting_Then_that_store_is_registered(string store, string expectedType)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Aws:ServiceUrl"] = "http://127.0.0.1:1",
            ["Consumers:Orders:QueueUrl"] = "http://127.0.0.1:1/000000000000/orders",
            ["Idempotency:Store"] = store,
            ["Idempotency:Sqlite:DataSource"] = Path.Combine(Path.GetTempPath(), $"order-shipping-registration-{Guid.NewGuid():N}.db"),
        });
        builder.Services.AddOrderShippingWorker(builder.Configuration);
        using var host = builder.Build();

        var resolved = host.Services.GetRequiredService<IdempotentConsumer.Stores.IIdempotencyStore>();

        Assert.Equal(expectedType, resolved.GetType().Name);
        Assert.NotEmpty(host.Services.GetServices<IHostedService>());
    }
}
