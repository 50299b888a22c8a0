using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using IdempotentConsumer.TestInfrastructure.Instrumentation;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.TestInfrastructure.Tests;

/// <summary>Both DynamoDB emulators start on a free port, answer the SDK, and stop by pid.</summary>
public sealed class DynamoDbFixtureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Given_DynamoDB_Local_When_started_Then_it_answers_the_SDK_and_its_port_closes_after_dispose()
    {
        await EmulatorLifecycle.RunAsync(new DynamoDbLocalFixture(), output, AnswersAsync);
    }

    [Fact]
    public async Task Given_dynalite_When_started_Then_it_answers_the_SDK_and_its_port_closes_after_dispose()
    {
        await EmulatorLifecycle.RunAsync(new DynaliteFixture(), output, AnswersAsync);
    }

    private static async Task AnswersAsync(DynamoDbEmulatorFixture fixture)
    {
        var counter = new AwsCallCounter();
        using var client = fixture.CreateDynamoDbClient(counter.Attach);
        var table = $"fixture-{Guid.NewGuid():N}";

        var before = await client.ListTablesAsync(new ListTablesRequest());
        Assert.DoesNotContain(table, before.TableNames ?? []);

        await client.CreateTableAsync(new CreateTableRequest
        {
            TableName = table,
            AttributeDefinitions = [new AttributeDefinition("id", ScalarAttributeType.S)],
            KeySchema = [new KeySchemaElement("id", KeyType.HASH)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
        });
        await DynamoDbTables.WaitUntilActiveAsync(client, table);
        await client.PutItemAsync(table, new Dictionary<string, AttributeValue> { ["id"] = new("k1"), ["v"] = new("hello") });
        var item = await client.GetItemAsync(new GetItemRequest(table, new Dictionary<string, AttributeValue> { ["id"] = new("k1") }) { ConsistentRead = true });

        Assert.Contains(table, (await client.ListTablesAsync(new ListTablesRequest())).TableNames ?? []);
        Assert.NotNull(item.Item);
        Assert.Equal("hello", item.Item["v"].S);
        Assert.Equal(2, counter["ListTables"]);
        Assert.Equal(1, counter["CreateTable"]);
        Assert.Equal(1, counter["PutItem"]);
        Assert.Equal(1, counter["GetItem"]);
        Assert.True(counter["DescribeTable"] >= 1);
    }
}
