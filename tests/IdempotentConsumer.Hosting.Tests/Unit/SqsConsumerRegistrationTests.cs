using Amazon.SQS;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Hosting.DependencyInjection;
using IdempotentConsumer.Hosting.Options;
using IdempotentConsumer.Hosting.Tests.Support;
using IdempotentConsumer.Hosting.Worker;
using IdempotentConsumer.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Moq;
using Xunit;

namespace IdempotentConsumer.Hosting.Tests.Unit;

public sealed class SqsConsumerRegistrationTests
{
    private const string QueueUrl = "http://127.0.0.1:1/000000000000/orders-queue";

    private static ServiceCollection Services()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(Mock.Of<IAmazonSQS>());
        services.AddSingleton(new ShippingLedger());
        services.AddScoped<ScopeProbe>();
        services.AddInMemoryIdempotencyStore();
        return services;
    }

    private sealed class AuditOrderHandler : IMessageHandler<Order>
    {
        public ValueTask HandleAsync(Order message, MessageContext<Order> context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static SqsConsumerService<Order>[] Consumers(IServiceProvider provider) =>
        provider.GetServices<IHostedService>().OfType<SqsConsumerService<Order>>().ToArray();

    [Fact]
    public void Given_a_configuration_section_When_registered_Then_every_setting_is_bound_and_the_section_key_names_the_consumer()
    {
        var configuration = Configuration(new()
        {
            ["Consumers:Orders:QueueUrl"] = QueueUrl,
            ["Consumers:Orders:MaxConcurrency"] = "4",
            ["Consumers:Orders:MaxNumberOfMessages"] = "5",
            ["Consumers:Orders:WaitTimeSeconds"] = "10",
            ["Consumers:Orders:VisibilityTimeout"] = "00:01:00",
            ["Consumers:Orders:HeartbeatInterval"] = "00:00:15",
            ["Consumers:Orders:MaxReceiveCount"] = "6",
            ["Consumers:Orders:Redelivery:InitialDelay"] = "00:00:03",
            ["Consumers:Orders:Redelivery:MaxDelay"] = "00:02:00",
            ["Consumers:Orders:Redelivery:InProgressDelay"] = "00:00:04",
            ["Consumers:Orders:DeleteBatch:FlushInterval"] = "00:00:00.050",
            ["Consumers:Orders:ErrorBackoff:MaxDelay"] = "00:00:10",
            ["Consumers:Orders:Idempotency:KeyJmesPath"] = "orderId",
            ["Consumers:Orders:Idempotency:RecordExpiry"] = "02:00:00",
            ["Consumers:Orders:Retry:MaxRetryAttempts"] = "1",
        });
        var services = Services();

        var builder = services.AddSqsConsumer<Order, ShipOrderHandler>(configuration.GetSection("Consumers:Orders"));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptionsMonitor<SqsConsumerOptions>>().Get(builder.OptionsName);

        Assert.Equal(QueueUrl, options.QueueUrl);
        Assert.Equal(4, options.MaxConcurrency);
        Assert.Equal(5, options.MaxNumberOfMessages);
        Assert.Equal(10, options.WaitTimeSeconds);
        Assert.Equal(TimeSpan.FromMinutes(1), options.VisibilityTimeout);
        Assert.Equal(TimeSpan.FromSeconds(15), options.HeartbeatInterval);
        Assert.Equal(6, options.MaxReceiveCount);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Redelivery.InitialDelay);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Redelivery.MaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(4), options.Redelivery.InProgressDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(50), options.DeleteBatch.FlushInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ErrorBackoff.MaxDelay);
        Assert.Equal("orderId", options.Idempotency.KeyJmesPath);
        Assert.Equal(TimeSpan.FromHours(2), options.Idempotency.RecordExpiry);
        Assert.Equal(1, options.Retry.MaxRetryAttempts);

        var consumer = Assert.Single(Consumers(provider)).Consumer;
        Assert.Equal("Orders", consumer.Name);
        Assert.Equal("Orders", consumer.Idempotency!.KeyPrefix);
        Assert.Equal("orderId", consumer.Idempotency.KeyJmesPath);
    }

    [Fact]
    public void Given_builder_settings_When_configuration_says_otherwise_Then_the_builder_wins()
    {
        var configuration = Configuration(new()
        {
            ["QueueUrl"] = QueueUrl,
            ["MaxConcurrency"] = "8",
            ["Idempotency:KeyPrefix"] = "from-config",
        });
        var services = Services();

        var builder = services.AddSqsConsumer<Order, ShipOrderHandler>(configuration, o => o.WaitTimeSeconds = 2)
            .WithConcurrency(2)
            .WithKeyPrefix("orders-v1")
            .WithoutRetry()
            .WithRedelivery(r => r.InitialDelay = TimeSpan.FromSeconds(9));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptionsMonitor<SqsConsumerOptions>>().Get(builder.OptionsName);
        var consumer = Assert.Single(Consumers(provider)).Consumer;

        Assert.Equal(2, options.MaxConcurrency);
        Assert.Equal(2, options.WaitTimeSeconds);
        Assert.Equal("orders-v1", consumer.Idempotency!.KeyPrefix);
        Assert.Equal(0, consumer.Retry!.MaxRetryAttempts);
        Assert.Equal("from-config", options.Idempotency.KeyPrefix); // the bound options are the base, never changed by the builder
    }

    [Fact]
    public void Given_no_name_and_no_section_When_registered_in_code_Then_the_queue_names_the_consumer_and_its_keys()
    {
        var services = Services();

        var builder = services.AddSqsConsumer<Order, ShipOrderHandler>(o => o.QueueUrl = QueueUrl);
        using var provider = services.BuildServiceProvider();

        Assert.Equal("orders-queue", Assert.Single(Consumers(provider)).Consumer.Name);
        Assert.Equal("orders-queue", Assert.Single(Consumers(provider)).Consumer.Idempotency!.KeyPrefix);
    }

    [Fact]
    public void Given_two_consumers_When_registered_Then_each_has_its_own_options_and_hosted_service()
    {
        var services = Services();

        var orders = services.AddSqsConsumer<Order, ShipOrderHandler>(o => { o.QueueUrl = QueueUrl; o.Name = "orders"; });
        var refunds = services.AddSqsConsumer<Order, ShipOrderHandler>(o => { o.QueueUrl = QueueUrl + "-refunds.fifo"; o.Name = "refunds"; });
        using var provider = services.BuildServiceProvider();

        Assert.NotEqual(orders.OptionsName, refunds.OptionsName);
        var consumers = Consumers(provider).Select(s => s.Consumer).ToArray();
        Assert.Equal(["orders", "refunds"], consumers.Select(c => c.Name).Order());
        Assert.True(consumers.Single(c => c.Name == "refunds").IsFifo);
        Assert.False(consumers.Single(c => c.Name == "orders").IsFifo);
    }

    [Fact]
    public async Task Given_two_consumers_of_one_queue_without_names_When_the_host_starts_Then_it_fails_naming_the_shared_prefix()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(Mock.Of<IAmazonSQS>());
        builder.Services.AddInMemoryIdempotencyStore();
        builder.Services.AddSqsConsumer<Order, ShipOrderHandler>(o => o.QueueUrl = QueueUrl);
        builder.Services.AddSqsConsumer<Order, AuditOrderHandler>(o => o.QueueUrl = QueueUrl);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<IdempotencyConfigurationException>(() => host.StartAsync());

        Assert.Contains("'orders-queue'", error.Message, StringComparison.Ordinal);
        Assert.Contains("AllowSharedKeyPrefix", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_two_named_consumers_with_one_explicit_prefix_When_resolved_Then_the_clash_is_a_configuration_error()
    {
        var services = Services();
        services.AddSqsConsumer<Order, ShipOrderHandler>(o => { o.QueueUrl = QueueUrl; o.Name = "orders"; }).WithKeyPrefix("shop");
        services.AddSqsConsumer<Order, ShipOrderHandler>(o => { o.QueueUrl = QueueUrl + "-2"; o.Name = "orders-2"; o.AllowSharedKeyPrefix = true; }).WithKeyPrefix("shop");
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<IdempotencyConfigurationException>(() => Consumers(provider));

        Assert.Contains("'orders' and 'orders-2'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_two_consumers_that_both_allow_a_shared_prefix_When_resolved_Then_both_are_hosted_on_it()
    {
        var services = Services();
        var first = services.AddSqsConsumer<Order, ShipOrderHandler>(o => { o.QueueUrl = QueueUrl; o.Name = "orders"; o.AllowSharedKeyPrefix = true; }).WithKeyPrefix("shop");
        var second = services.AddSqsConsumer<Order, ShipOrderHandler>(o => { o.QueueUrl = QueueUrl + "-2"; o.Name = "orders-2"; o.AllowSharedKeyPrefix = true; }).WithKeyPrefix("shop");
        using var provider = services.BuildServiceProvider();

        Assert.Equal(2, Consumers(provider).Length);
        Assert.All(Consumers(provider), service => Assert.Equal("shop", service.Consumer.Idempotency!.KeyPrefix));
    }

    [Fact]
    public void Given_two_consumers_of_one_queue_without_idempotency_When_resolved_Then_no_prefix_is_claimed()
    {
        var services = Services();
        services.AddSqsConsumer<Order, ShipOrderHandler>(o => o.QueueUrl = QueueUrl).WithoutIdempotency();
        services.AddSqsConsumer<Order, ShipOrderHandler>(o => o.QueueUrl = QueueUrl).WithoutIdempotency();
        using var provider = services.BuildServiceProvider();

        Assert.Equal(2, Consumers(provider).Length);
    }

    [Theory]
    [InlineData("", 10, 10, 20, 30, "QueueUrl is required")]
    [InlineData(QueueUrl, 0, 10, 20, 30, "MaxConcurrency")]
    [InlineData(QueueUrl, 10, 11, 20, 30, "MaxNumberOfMessages")]
    [InlineData(QueueUrl, 10, 10, 21, 30, "WaitTimeSeconds")]
    [InlineData(QueueUrl, 10, 10, 20, 0, "VisibilityTimeout")]
    public async Task Given_invalid_settings_When_the_host_starts_Then_it_fails_with_the_reason(string queueUrl, int concurrency, int maxMessages, int wait, int visibilitySeconds, string reason)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(Mock.Of<IAmazonSQS>());
        builder.Services.AddSingleton(new ShippingLedger());
        builder.Services.AddScoped<ScopeProbe>();
        builder.Services.AddSqsConsumer<Order, ShipOrderHandler>(o =>
        {
            o.QueueUrl = queueUrl;
            o.MaxConcurrency = concurrency;
            o.MaxNumberOfMessages = maxMessages;
            o.WaitTimeSeconds = wait;
            o.VisibilityTimeout = TimeSpan.FromSeconds(visibilitySeconds);
        });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_heartbeat_not_shorter_than_the_visibility_When_validated_Then_it_is_rejected()
    {
        var result = new SqsConsumerOptionsValidator().Validate("orders", new SqsConsumerOptions
        {
            QueueUrl = QueueUrl,
            VisibilityTimeout = TimeSpan.FromSeconds(10),
            HeartbeatInterval = TimeSpan.FromSeconds(10),
        });

        Assert.True(result.Failed);
        Assert.Contains("HeartbeatInterval", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_the_defaults_and_a_queue_When_validated_Then_they_pass()
    {
        var result = new SqsConsumerOptionsValidator().Validate("orders", new SqsConsumerOptions { QueueUrl = QueueUrl });

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Given_every_configurable_member_in_configuration_When_registered_Then_each_is_bound_and_only_code_members_are_left_out()
    {
        var values = new Dictionary<string, string?>();
        var expected = new List<(string Path, object Value)>();
        var codeOnly = new List<string>();
        Collect(new SqsConsumerOptions(), string.Empty, values, expected, codeOnly);
        values["QueueUrl"] = QueueUrl;
        expected.RemoveAll(e => e.Path == "QueueUrl");
        var services = Services();

        var builder = services.AddSqsConsumer<Order, ShipOrderHandler>(Configuration(values));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptionsMonitor<SqsConsumerOptions>>().Get(builder.OptionsName);

        Assert.Equal(
            ["Idempotency:KeySource", "Idempotency:PayloadValidationSource", "Idempotency:ResponseHook", "Idempotency:SerializerOptions", "Retry:ShouldRetry"],
            codeOnly.Order());
        Assert.All(expected, e => Assert.Equal(e.Value, Read(options, e.Path)));
        Assert.True(expected.Count > 30);
    }

    // A value unlike the default (and still valid) for each member of a bindable type; nested option objects recursively.
    private static void Collect(object options, string prefix, Dictionary<string, string?> values, List<(string, object)> expected, List<string> codeOnly)
    {
        foreach (var property in options.GetType().GetProperties().Where(p => p.CanWrite))
        {
            var path = prefix + property.Name;
            var current = property.GetValue(options);
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            object? value = type switch
            {
                _ when type == typeof(string) => "from-config-" + property.Name,
                _ when type == typeof(TimeSpan) => current is TimeSpan t ? t + TimeSpan.FromMilliseconds(1) : TimeSpan.FromSeconds(5),
                _ when type == typeof(bool) => !(bool)current!,
                _ when type == typeof(int) => current is int i ? (i > 1 ? i - 1 : i + 1) : 5,
                _ when type == typeof(double) => (double)current! + 1,
                _ when type.IsEnum => Enum.GetValues(type).Cast<object>().First(v => !v.Equals(current)),
                _ => null,
            };
            if (value is not null)
            {
                values[path] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
                expected.Add((path, value));
            }
            else if (type.IsClass && type.Namespace!.StartsWith("IdempotentConsumer", StringComparison.Ordinal) && current is not null && !type.IsAbstract)
            {
                Collect(current, path + ":", values, expected, codeOnly);
            }
            else
            {
                codeOnly.Add(path);
            }
        }
    }

    private static object? Read(object options, string path)
    {
        object? current = options;
        foreach (var name in path.Split(':'))
        {
            current = current!.GetType().GetProperty(name)!.GetValue(current);
        }

        return current;
    }
}
