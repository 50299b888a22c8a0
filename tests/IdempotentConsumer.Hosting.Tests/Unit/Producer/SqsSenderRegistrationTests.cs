using Amazon.SQS;
using IdempotentConsumer.Hosting.Tests.Support;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Sqs.Producer.Options;
using IdempotentConsumer.Sqs.Producer.Sending;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;
using Xunit;

namespace IdempotentConsumer.Hosting.Tests.Unit.Producer;

public sealed class SqsSenderRegistrationTests
{
    private static ServiceProvider Build(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        services.AddSingleton(new Mock<IAmazonSQS>().Object);
        register(services);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Given_a_sender_bound_from_configuration_When_resolved_Then_it_sends_to_the_configured_fifo_queue_with_the_consumers_key_settings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sender:QueueUrl"] = SqsSenders.FifoQueue,
            ["Sender:KeyPrefix"] = WorkerHosts.KeyPrefix,
            ["Sender:KeyJmesPath"] = "orderId",
            ["Sender:HashAlgorithm"] = "Md5",
            ["Sender:MaxAttempts"] = "7",
        }).Build();
        using var services = Build(s => s.AddIdempotentSqsSender<Order>(configuration.GetSection("Sender"), o => o.UserId));

        var sender = services.GetRequiredService<IdempotentSqsSender<Order>>();
        var options = services.GetRequiredService<IOptionsMonitor<SqsSenderOptions>>().Get(typeof(Order).FullName);
        var prepared = sender.Prepare(new Order("o-1", "u-1", "p-1"));

        Assert.True(sender.IsFifo);
        Assert.Equal(7, options.MaxAttempts);
        Assert.Equal($"{WorkerHosts.KeyPrefix}#{IdempotencyHasher.Hash("o-1", IdempotencyHashAlgorithm.Md5)}", prepared.IdempotencyKey);
        Assert.Equal("u-1", prepared.MessageGroupId);
    }

    [Fact]
    public void Given_invalid_sender_options_When_the_host_validates_at_start_Then_every_error_is_reported()
    {
        using var services = Build(s => s.AddIdempotentSqsSender<Order>(o =>
        {
            o.QueueUrl = string.Empty;
            o.MaxAttempts = 0;
        }));

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(error.Failures, f => f.Contains("QueueUrl", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("MaxAttempts", StringComparison.Ordinal));
    }
}
