using System.Collections.Concurrent;
using IdempotentConsumer.Hosting.Tests.Support;
using IdempotentConsumer.InProcess;
using IdempotentConsumer.Sqs.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace IdempotentConsumer.Hosting.Tests.Unit;

/// <summary>The deployed worker, unchanged, over the in-process queue behind the SQS seam.</summary>
public sealed class InProcessTransportWorkerTests
{
    [Fact]
    public async Task Given_every_order_sent_twice_and_some_failing_once_When_the_worker_drains_the_in_process_queue_Then_each_ships_exactly_once()
    {
        var transport = new InProcessSqsTransport();
        var url = transport.CreateQueue("orders", new InProcessSqsQueueOptions { VisibilityTimeout = TimeSpan.FromSeconds(5) });
        var shipped = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var failedOnce = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSqsConsumer<Order>(o => { o.QueueUrl = url; o.WaitTimeSeconds = 1; o.MaxConcurrency = 8; }, b => b
            .WithSqsTransport(_ => transport)
            .WithInMemoryStore()
            .WithKey(o => o.OrderId)
            .WithoutRetry()
            .WithRedelivery(r => { r.InitialDelay = TimeSpan.FromSeconds(1); r.UseJitter = false; })
            .Handle((order, _, _) =>
            {
                // Every fifth order fails on its first attempt: it must come back and ship once, never twice.
                if (order.Sequence % 5 == 0 && failedOnce.TryAdd(order.OrderId, true))
                {
                    throw new TimeoutException("carrier timed out");
                }

                shipped.AddOrUpdate(order.OrderId, 1, (_, n) => n + 1);
                return ValueTask.CompletedTask;
            }));
        using var host = builder.Build();
        await host.StartAsync();

        for (var i = 0; i < 40; i++)
        {
            var body = $$"""{"orderId":"o-{{i}}","userId":"u","productId":"p","sequence":{{i}}}""";
            await transport.SendAsync(url, body);
            await transport.SendAsync(url, body); // the producer's retried send: a new message id, the same order
        }

        var queue = transport.GetQueue(url);
        await Eventually.TrueAsync(() => queue.Statistics is { Visible: 0, InFlight: 0 } && shipped.Count == 40, TimeSpan.FromSeconds(30));
        await host.StopAsync();

        Assert.All(shipped.Values, count => Assert.Equal(1, count));
        Assert.Equal(80, queue.Statistics.Deleted);
        Assert.Equal(8, failedOnce.Count);
    }

    [Fact]
    public async Task Given_an_ISqsTransport_registered_in_DI_and_no_IAmazonSQS_When_a_consumer_names_no_transport_Then_it_consumes_through_the_registered_one()
    {
        var transport = new InProcessSqsTransport();
        var url = transport.CreateQueue("orders");
        var shipped = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<ISqsTransport>(transport);
        builder.Services.AddSqsConsumer<Order>(o => { o.QueueUrl = url; o.WaitTimeSeconds = 1; }, b => b
            .WithInMemoryStore()
            .WithKey(o => o.OrderId)
            .Handle((order, _) =>
            {
                shipped.AddOrUpdate(order.OrderId, 1, (_, n) => n + 1);
                return ValueTask.CompletedTask;
            }));
        using var host = builder.Build();
        await host.StartAsync();

        await transport.SendAsync(url, """{"orderId":"o-1","userId":"u","productId":"p","sequence":1}""");
        await transport.SendAsync(url, """{"orderId":"o-1","userId":"u","productId":"p","sequence":1}""");

        var queue = transport.GetQueue(url);
        await Eventually.TrueAsync(() => queue.Statistics.Deleted == 2, TimeSpan.FromSeconds(30));
        await host.StopAsync();

        Assert.Equal(1, Assert.Single(shipped).Value);
    }
}
