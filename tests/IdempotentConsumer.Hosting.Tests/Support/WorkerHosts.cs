using IdempotentConsumer.Hosting.DependencyInjection;
using IdempotentConsumer.Hosting.Options;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Amazon.SQS;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace IdempotentConsumer.Hosting.Tests.Support;

/// <summary>Builds worker hosts the way an application would, sharing one store and one ledger between them (one "database", one "shipping API").</summary>
public sealed class WorkerHosts(FauxqsFixture fauxqs, ITestOutputHelper output) : IAsyncDisposable
{
    public const string KeyPrefix = "ship-order";

    private readonly List<IHost> _hosts = [];

    public InMemoryIdempotencyStore Store { get; } = new();

    public ShippingLedger Ledger { get; } = new();

    public TestSqsClient NewClient() => new(AwsTestCredentials.Credentials, fauxqs.CreateSqsConfig());

    /// <summary>A host with one consumer of <paramref name="queueUrl"/>; short timeouts so tests stay fast.</summary>
    public IHost Build(
        string queueUrl,
        string name = "host",
        IAmazonSQS? client = null,
        Action<SqsConsumerOptions>? configure = null,
        Action<SqsConsumerBuilder<Order>>? consumer = null,
        TimeSpan? shutdownTimeout = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddProvider(new XunitLoggerProvider(output, name));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownTimeout ?? TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton(client ?? NewClient());
        builder.Services.AddSingleton<IIdempotencyStore>(Store);
        builder.Services.AddSingleton(Ledger);
        builder.Services.AddScoped<ScopeProbe>();
        var registration = builder.Services
            .AddSqsConsumer<Order, ShipOrderHandler>(o =>
            {
                o.QueueUrl = queueUrl;
                o.VisibilityTimeout = TimeSpan.FromSeconds(3);
                o.WaitTimeSeconds = 1;
                o.Redelivery.InitialDelay = TimeSpan.FromSeconds(1);
                o.Redelivery.InProgressDelay = TimeSpan.FromSeconds(1);
                o.Redelivery.UseJitter = false;
                o.HandBackTimeout = TimeSpan.FromSeconds(2);
                configure?.Invoke(o);
            })
            .WithKey(order => order.OrderId)
            .WithKeyPrefix(KeyPrefix)
            .WithoutRetry();
        consumer?.Invoke(registration);
        var host = builder.Build();
        _hosts.Add(host);
        return host;
    }

    public async Task<IHost> StartAsync(string queueUrl, string name = "host", IAmazonSQS? client = null, Action<SqsConsumerOptions>? configure = null, TimeSpan? shutdownTimeout = null)
    {
        var host = Build(queueUrl, name, client, configure, shutdownTimeout: shutdownTimeout);
        await host.StartAsync();
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await host.StopAsync(timeout.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                // Already stopped by the test.
            }

            host.Dispose();
        }
    }
}
