using Amazon.DynamoDBv2;
using Amazon.Extensions.NETCore.Setup;
using IdempotentConsumer.DynamoDB.Tests.Support;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Stores;
using IdempotentConsumer.TestInfrastructure;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace IdempotentConsumer.DynamoDB.Tests.Behaviour;

/// <summary>The store is wired the way applications wire AWS clients: AddAWSService plus configuration.</summary>
[Collection(EmulatorCollections.Dynalite)]
public sealed class DependencyInjectionTests(DynaliteFixture fixture)
{
    [Fact]
    public async Task Given_AddAWSService_and_AddDynamoDbIdempotencyStore_When_the_store_is_resolved_Then_it_writes_through_the_registered_client()
    {
        await TestTables.EnsureAsync(fixture, TestTables.Simple());
        var services = new ServiceCollection();
        services.AddDefaultAWSOptions(EmulatorAwsOptions());
        services.AddAWSService<IAmazonDynamoDB>();
        services.AddDynamoDbIdempotencyStore(options => options.TableName = TestTables.Simple().TableName);
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<IIdempotencyStore>();
        var key = $"di#{Guid.NewGuid():N}";
        var now = DateTimeOffset.UtcNow;
        var begun = await store.TryBeginAsync(new BeginRequest(key, "owner", now, now.AddHours(1), now.AddMinutes(1), null));

        Assert.IsType<DynamoDbIdempotencyStore>(store);
        Assert.Same(store, provider.GetRequiredService<DynamoDbIdempotencyStore>());
        Assert.True(begun.Acquired);
        Assert.Equal("owner", (await store.GetAsync(key))?.OwnerToken);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Given_AddIdempotency_before_or_after_the_DynamoDB_store_When_a_message_is_handled_twice_Then_the_executor_uses_DynamoDB_and_runs_the_handler_once(bool coreFirst)
    {
        await TestTables.EnsureAsync(fixture, TestTables.Simple());
        var services = new ServiceCollection();
        services.AddDefaultAWSOptions(EmulatorAwsOptions());
        services.AddAWSService<IAmazonDynamoDB>();
        if (coreFirst)
        {
            services.AddIdempotency(options => options.KeyPrefix = "orders");
        }

        services.AddDynamoDbIdempotencyStore(options => options.TableName = TestTables.Simple().TableName);
        if (!coreFirst)
        {
            services.AddIdempotency(options => options.KeyPrefix = "orders");
        }

        await using var provider = services.BuildServiceProvider();
        var executor = provider.GetRequiredService<IdempotencyExecutor>();
        var runs = 0;
        var order = new { orderId = Guid.NewGuid().ToString("N"), quantity = 2 };

        var first = await executor.ExecuteAsync(order, o => { runs++; return $"shipped {o.orderId}"; });
        var second = await executor.ExecuteAsync(order, o => { runs++; return "shipped again"; });

        Assert.IsType<DynamoDbIdempotencyStore>(executor.Store);
        Assert.Equal(1, runs);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Given_a_configuration_section_When_registered_Then_the_options_are_bound_from_it()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Idempotency:DynamoDB:TableName"] = "orders-idempotency",
                ["Idempotency:DynamoDB:KeyAttributeName"] = "pk",
                ["Idempotency:DynamoDB:SortKeyAttributeName"] = "sk",
                ["Idempotency:DynamoDB:StaticPartitionKeyValue"] = "idempotency#orders",
                ["Idempotency:DynamoDB:OwnerAttributeName"] = "lock_owner",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton(Moq.Mock.Of<IAmazonDynamoDB>());
        services.AddDynamoDbIdempotencyStore(configuration.GetSection(DynamoDbIdempotencyStoreOptions.SectionName), options => options.MaxBatchGetAttempts = 4);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<DynamoDbIdempotencyStoreOptions>>().Value;

        Assert.Equal("orders-idempotency", options.TableName);
        Assert.Equal("pk", options.KeyAttributeName);
        Assert.Equal("sk", options.SortKeyAttributeName);
        Assert.Equal("idempotency#orders", options.StaticPartitionKeyValue);
        Assert.Equal("lock_owner", options.OwnerAttributeName);
        Assert.Equal(4, options.MaxBatchGetAttempts);
        Assert.Equal("orders-idempotency", provider.GetRequiredService<DynamoDbIdempotencyStore>().TableName);
    }

    [Fact]
    public void Given_another_store_registered_first_When_the_DynamoDB_store_is_added_Then_it_replaces_it()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IIdempotencyStore, InMemoryIdempotencyStore>();
        services.AddSingleton(Moq.Mock.Of<IAmazonDynamoDB>());
        services.AddDynamoDbIdempotencyStore();
        using var provider = services.BuildServiceProvider();

        Assert.IsType<DynamoDbIdempotencyStore>(Assert.Single(provider.GetServices<IIdempotencyStore>()));
    }

    [Fact]
    public void Given_no_DynamoDB_client_registered_When_the_store_is_resolved_Then_the_error_says_how_to_register_one()
    {
        var services = new ServiceCollection();
        services.AddDynamoDbIdempotencyStore();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<IdempotencyConfigurationException>(() => provider.GetRequiredService<IIdempotencyStore>());

        Assert.Contains("AddAWSService<IAmazonDynamoDB>", error.Message);
    }

    private AWSOptions EmulatorAwsOptions()
    {
        var options = new AWSOptions { Credentials = AwsTestCredentials.Credentials };
        options.DefaultClientConfig.ServiceURL = fixture.ServiceUrl;
        options.DefaultClientConfig.AuthenticationRegion = AwsTestCredentials.Region;
        return options;
    }
}
