using System.Text.Json;
using Amazon.Extensions.NETCore.Setup;
using Amazon.SQS;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Hosting.DependencyInjection;
using IdempotentConsumer.Hosting.Tests.Support;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Hosting.Tests.Integration;

[Collection(EmulatorCollections.Fauxqs)]
public sealed class ConfigurationTests(FauxqsFixture fauxqs, ITestOutputHelper output)
{
    private readonly TestQueues _queues = new(fauxqs.CreateSqsClient());

    [Fact]
    public async Task Given_a_worker_configured_from_settings_with_AddAWSService_When_it_runs_Then_it_consumes_with_the_configured_key_and_prefix()
    {
        var queue = await _queues.CreateAsync("configured", visibilitySeconds: 3);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AWS:ServiceURL"] = fauxqs.ServiceUrl,
            ["AWS:Region"] = AwsTestCredentials.Region,
            ["Consumers:Orders:QueueUrl"] = queue,
            ["Consumers:Orders:MaxConcurrency"] = "3",
            ["Consumers:Orders:WaitTimeSeconds"] = "1",
            ["Consumers:Orders:VisibilityTimeout"] = "00:00:03",
            ["Consumers:Orders:Redelivery:InProgressDelay"] = "00:00:01",
            ["Consumers:Orders:Idempotency:KeyJmesPath"] = "orderId",
            ["Consumers:Orders:Retry:MaxRetryAttempts"] = "0",
        });
        builder.Logging.AddProvider(new XunitLoggerProvider(output, "configured"));
        var awsOptions = builder.Configuration.GetAWSOptions();
        awsOptions.Credentials = AwsTestCredentials.Credentials;
        builder.Services.AddDefaultAWSOptions(awsOptions);
        builder.Services.AddAWSService<IAmazonSQS>();
        var store = new InMemoryIdempotencyStore();
        builder.Services.AddSingleton<IIdempotencyStore>(store);
        var ledger = new ShippingLedger();
        builder.Services.AddSingleton(ledger);
        builder.Services.AddScoped<ScopeProbe>();
        builder.Services.AddSqsConsumer<Order, ShipOrderHandler>(builder.Configuration.GetSection("Consumers:Orders"));
        using var host = builder.Build();
        var twice = new Order("cfg-1", "u-1", "p-1");
        var once = new Order("cfg-2", "u-1", "p-2");
        await _queues.SendAsync(queue, [twice, twice, once]);

        await host.StartAsync();
        await Eventually.TrueAsync(async () => await _queues.CountAsync(queue) == 0, TimeSpan.FromSeconds(15));
        await host.StopAsync();

        Assert.Equal(1, ledger.ShipmentsOf(twice.OrderId));
        Assert.Equal(1, ledger.ShipmentsOf(once.OrderId));
        Assert.NotNull(await store.GetAsync(ExpectedKey(twice)));
    }

    /// <summary>The key the configuration asks for: prefix "Orders" (the section's key), JMESPath <c>orderId</c> over the body.</summary>
    private static string ExpectedKey(Order order)
    {
        var keys = new IdempotencyExecutor(new InMemoryIdempotencyStore(), new IdempotencyOptions { KeyPrefix = "Orders", KeyJmesPath = "orderId" });
        var invocation = new IdempotencyInvocation<Order>(order) { RawJson = JsonSerializer.Serialize(order, JsonSerializerOptions.Web) };
        return keys.TryGetKey(invocation, out var key) ? key : throw new InvalidOperationException("no key");
    }
}
