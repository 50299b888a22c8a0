using IdempotentConsumer.Exceptions;
using Moq;
using Amazon.DynamoDBv2;
using Xunit;

namespace IdempotentConsumer.DynamoDB.Tests.Behaviour;

/// <summary>Misconfiguration fails when the store is built, not on the first message.</summary>
public sealed class OptionsValidationTests
{
    private static readonly IAmazonDynamoDB Client = Mock.Of<IAmazonDynamoDB>();

    [Fact]
    public void Given_two_fields_mapped_to_one_attribute_When_the_store_is_built_Then_it_is_a_configuration_error_naming_the_attribute()
    {
        var error = Assert.Throws<IdempotencyConfigurationException>(() =>
            new DynamoDbIdempotencyStore(Client, new DynamoDbIdempotencyStoreOptions { DataAttributeName = "status" }));

        Assert.Contains("'status'", error.Message);
    }

    [Fact]
    public void Given_an_empty_table_name_When_the_store_is_built_Then_it_is_a_configuration_error()
    {
        var error = Assert.Throws<IdempotencyConfigurationException>(() =>
            new DynamoDbIdempotencyStore(Client, new DynamoDbIdempotencyStoreOptions { TableName = " " }));

        Assert.Contains("TableName", error.Message);
    }

    [Fact]
    public void Given_a_static_partition_value_over_2048_bytes_When_the_store_is_built_Then_it_is_a_configuration_error()
    {
        Assert.Throws<IdempotencyConfigurationException>(() => new DynamoDbIdempotencyStore(Client, new DynamoDbIdempotencyStoreOptions
        {
            SortKeyAttributeName = "sk",
            StaticPartitionKeyValue = new string('p', 2049),
        }));
    }

    [Fact]
    public void Given_zero_batch_attempts_When_the_store_is_built_Then_it_is_a_configuration_error()
    {
        Assert.Throws<IdempotencyConfigurationException>(() =>
            new DynamoDbIdempotencyStore(Client, new DynamoDbIdempotencyStoreOptions { MaxBatchGetAttempts = 0 }));
    }

    [Fact]
    public void Given_default_options_When_read_Then_they_name_the_Powertools_attributes()
    {
        var options = new DynamoDbIdempotencyStoreOptions();

        Assert.Equal(
            ["id", "expiration", "in_progress_expiration", "status", "data", "validation"],
            [options.KeyAttributeName, options.ExpiryAttributeName, options.InProgressExpiryAttributeName, options.StatusAttributeName, options.DataAttributeName, options.ValidationAttributeName]);
        Assert.Null(options.SortKeyAttributeName);
    }
}
