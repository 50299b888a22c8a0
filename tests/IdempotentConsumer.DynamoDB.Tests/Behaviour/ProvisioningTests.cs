using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;

namespace IdempotentConsumer.DynamoDB.Tests.Behaviour;

/// <summary>The table helper creates what the store needs, once, and tolerates backends without TTL.</summary>
public abstract class ProvisioningTests(DynamoDbEmulatorFixture fixture)
{
    [Fact]
    public async Task Given_no_table_When_provisioned_twice_Then_it_is_created_once_with_on_demand_billing_and_TTL_where_supported()
    {
        using var client = fixture.CreateDynamoDbClient();
        var options = new DynamoDbIdempotencyStoreOptions { TableName = NewTableName() };
        var expectedTtl = fixture.SupportsTimeToLive ? DynamoDbTimeToLiveState.Enabled : DynamoDbTimeToLiveState.NotSupported;

        var first = await DynamoDbIdempotencyTable.CreateIfNotExistsAsync(client, options);
        var second = await DynamoDbIdempotencyTable.CreateIfNotExistsAsync(client, options);

        Assert.Equal(new DynamoDbIdempotencyTableResult(options.TableName, true, expectedTtl), first);
        Assert.Equal(new DynamoDbIdempotencyTableResult(options.TableName, false, expectedTtl), second);
        var table = (await client.DescribeTableAsync(options.TableName)).Table;
        Assert.Equal(TableStatus.ACTIVE, table.TableStatus);
        Assert.Equal("id", Assert.Single(table.KeySchema).AttributeName);
        if (fixture.SupportsTimeToLive)
        {
            Assert.Equal(BillingMode.PAY_PER_REQUEST, table.BillingModeSummary?.BillingMode);
            var ttl = (await client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = options.TableName })).TimeToLiveDescription;
            Assert.Equal("expiration", ttl.AttributeName);
            Assert.Equal(TimeToLiveStatus.ENABLED, ttl.TimeToLiveStatus);
        }
    }

    [Fact]
    public async Task Given_four_callers_at_once_When_they_provision_the_same_table_Then_exactly_one_creates_it_and_none_fails()
    {
        using var client = fixture.CreateDynamoDbClient();
        var options = new DynamoDbIdempotencyStoreOptions { TableName = NewTableName(), KeyAttributeName = "pk", SortKeyAttributeName = "sk" };

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => DynamoDbIdempotencyTable.CreateIfNotExistsAsync(client, options)));

        Assert.Single(results, r => r.Created);
        var keys = (await client.DescribeTableAsync(options.TableName)).Table.KeySchema;
        Assert.Equal(["pk:HASH", "sk:RANGE"], keys.Select(k => $"{k.AttributeName}:{k.KeyType.Value}"));
    }

    [Fact]
    public async Task Given_a_table_with_another_key_schema_When_provisioned_Then_it_is_a_configuration_error()
    {
        using var client = fixture.CreateDynamoDbClient();
        var name = NewTableName();
        await DynamoDbIdempotencyTable.CreateIfNotExistsAsync(client, new DynamoDbIdempotencyStoreOptions { TableName = name });

        var error = await Assert.ThrowsAsync<IdempotencyConfigurationException>(() =>
            DynamoDbIdempotencyTable.CreateIfNotExistsAsync(client, new DynamoDbIdempotencyStoreOptions { TableName = name, KeyAttributeName = "pk", SortKeyAttributeName = "sk" }));

        Assert.Contains(name, error.Message);
    }

    private static string NewTableName() => $"provisioning-{Guid.NewGuid():N}";
}

/// <summary>Provisioning on DynamoDB Local (TTL supported).</summary>
[Collection(EmulatorCollections.DynamoDbLocal)]
public sealed class DynamoDbLocalProvisioningTests(DynamoDbLocalFixture fixture) : ProvisioningTests(fixture);

/// <summary>Provisioning on dynalite (no UpdateTimeToLive).</summary>
[Collection(EmulatorCollections.Dynalite)]
public sealed class DynaliteProvisioningTests(DynaliteFixture fixture) : ProvisioningTests(fixture);
