using System.Diagnostics;
using System.Text.Json;
using IdempotentConsumer.InProcess;
using IdempotentConsumer.Sqs.Transport;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrderShippingConsumer.Shipping;

namespace OrderShippingConsumer.Tests;

/// <summary>
/// The worker as deployed (its own registrations, hosted consumer, store, handler and idempotency settings) over the
/// in-process SQS queue, which redelivers, duplicates and dead-letters like SQS, so the tests need no server.
/// </summary>
public sealed class WorkerTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly RecordingShippingApi _carrier = new();
    private readonly InProcessSqsTransport _sqs = new();
    private readonly string _deadLetterUrl;
    private readonly string _queueUrl;
#if (UseSqlite)
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"order-shipping-test-{Guid.NewGuid():N}.db");
#endif
    private readonly IHost _host;
    private bool _started;

    public WorkerTests()
    {
        _deadLetterUrl = _sqs.CreateQueue("orders-dlq");
        _queueUrl = _sqs.CreateQueue("orders", new InProcessSqsQueueOptions
        {
            VisibilityTimeout = TimeSpan.FromSeconds(5),
            RedrivePolicy = new InProcessSqsRedrivePolicy(_deadLetterUrl, MaxReceiveCount: 4),
            DuplicateDeliveryProbability = 0.5,
            RandomSeed = 42,
        });

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Aws:Region"] = "us-east-1",
            ["Consumers:Orders:QueueUrl"] = _queueUrl,
            ["Consumers:Orders:WaitTimeSeconds"] = "1",
            ["Consumers:Orders:Redelivery:InitialDelay"] = "00:00:01",
            ["Consumers:Orders:Redelivery:MaxDelay"] = "00:00:02",
            ["Consumers:Orders:Redelivery:UseJitter"] = "false",
#if (UseSqlite)
            ["Idempotency:Sqlite:DataSource"] = _database,
#endif
        });
        builder.Services.AddOrderShipping(builder.Configuration);
        builder.Services.AddSingleton<IShippingApi>(_carrier);

        // Every consumer of this host talks to the in-process queue instead of the SQS client.
        builder.Services.AddSingleton<ISqsTransport>(_sqs);
#if (UseDynamoDb || UseRedis || UsePostgres)
        // The tests run without a server: the same consumer over the in-memory store.
        builder.Services.AddInMemoryIdempotencyStore();
#endif
        _host = builder.Build();
    }

    private static string AnOrder(int number) =>
        JsonSerializer.Serialize(new Order($"ORD-{number}", "USR-1", "SKU-1"), JsonSerializerOptions.Web);

    [Fact]
    public void Given_the_worker_registrations_Then_the_sqs_consumer_is_a_hosted_service()
    {
        Assert.NotEmpty(_host.Services.GetServices<IHostedService>());
        Assert.NotNull(_host.Services.GetRequiredService<IIdempotencyStore>());
    }

    [Fact]
    public async Task Given_duplicate_sends_and_duplicate_deliveries_When_the_worker_drains_the_queue_Then_each_order_ships_exactly_once()
    {
        await StartAsync();
        for (var number = 1; number <= 20; number++)
        {
            await _sqs.SendAsync(_queueUrl, AnOrder(number));
            if (number % 4 == 0)
            {
                // The producer's retry after a timed-out send: a second message with the same order.
                await _sqs.SendAsync(_queueUrl, AnOrder(number));
            }
        }

        var queue = _sqs.GetQueue(_queueUrl);
        await WaitUntilAsync(
            () => queue.Statistics is { Visible: 0, InFlight: 0 } && _carrier.Shipments.Count == 20,
            () => $"{_carrier.Shipments.Count} shipped; queue {queue.Statistics}; dead letters {_sqs.GetQueue(_deadLetterUrl).Statistics.Sent}");

        Assert.True(queue.Statistics.Delivered > 25, $"expected duplicates, got {queue.Statistics.Delivered} deliveries");
        Assert.Equal(20, _carrier.Shipments.Count);
        Assert.Equal(20, _carrier.Shipments.Select(shipment => shipment.OrderId).Distinct().Count());
        Assert.Equal(20, _carrier.Calls.Count);
        Assert.Equal(0, _sqs.GetQueue(_deadLetterUrl).Statistics.Sent);
    }

    [Fact]
    public async Task Given_an_order_without_an_id_When_the_worker_receives_it_Then_nothing_ships_and_it_ends_in_the_dead_letter_queue()
    {
        await StartAsync();
        await _sqs.SendAsync(_queueUrl, """{"userId":"USR-1","productId":"SKU-1"}""");

        // Never deleted as if handled: the poison message goes back until the redrive policy moves it aside.
        await WaitUntilAsync(
            () => _sqs.GetQueue(_deadLetterUrl).Statistics.Visible == 1,
            () => $"queue {_sqs.GetQueue(_queueUrl).Statistics}");

        Assert.Empty(_carrier.Calls);
        Assert.Equal(0, _sqs.GetQueue(_queueUrl).Statistics.Deleted);
    }

    private async Task StartAsync()
    {
        await _host.StartAsync();
        _started = true;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Func<string> state)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < Patience, $"The worker did not get there in time: {state()}");
            await Task.Delay(50);
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_started)
        {
            await _host.StopAsync();
        }

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
