using Amazon.DynamoDBv2;
using Amazon.Runtime;
using IdempotentConsumer.DynamoDB;
using IdempotentConsumer.Exceptions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace IdempotentConsumer.DynamoDB.Tests.Behaviour;

/// <summary>The DynamoDB store's options are checked whole, at host start and when the store is built by hand.</summary>
public sealed class OptionsValidationTests
{
    private static void MakeInvalid(DynamoDbIdempotencyStoreOptions o)
    {
        o.TableName = " ";
        o.DataAttributeName = "status";
        o.MaxBatchGetAttempts = 0;
    }

    [Fact]
    public void Given_three_invalid_settings_When_the_host_starts_Then_all_three_are_reported_at_once()
    {
        var services = new ServiceCollection().AddDynamoDbIdempotencyStore(MakeInvalid);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(3, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.Contains("TableName", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("'status'", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("MaxBatchGetAttempts", StringComparison.Ordinal));
    }

    [Fact]
    public void Given_invalid_settings_When_the_store_is_built_by_hand_Then_one_configuration_error_names_them_all()
    {
        var options = new DynamoDbIdempotencyStoreOptions();
        MakeInvalid(options);
        using var client = new AmazonDynamoDBClient(new BasicAWSCredentials("x", "y"), new AmazonDynamoDBConfig { ServiceURL = "http://127.0.0.1:9" });

        var error = Assert.Throws<IdempotencyConfigurationException>(() => new DynamoDbIdempotencyStore(client, options));

        Assert.Contains("TableName", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxBatchGetAttempts", error.Message, StringComparison.Ordinal);
    }
}
