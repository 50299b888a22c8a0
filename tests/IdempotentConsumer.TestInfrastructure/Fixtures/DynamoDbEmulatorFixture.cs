using Amazon.DynamoDBv2;

namespace IdempotentConsumer.TestInfrastructure.Fixtures;

/// <summary>A DynamoDB-compatible emulator, with clients configured for it.</summary>
public abstract class DynamoDbEmulatorFixture : EmulatorFixture
{
    /// <summary>A short name for test output ("dynamodb-local", "dynalite").</summary>
    public abstract string BackendName { get; }

    /// <summary>True when a failed condition returns the old item (<c>ReturnValuesOnConditionCheckFailure = ALL_OLD</c>).</summary>
    public abstract bool ReturnsItemOnConditionCheckFailure { get; }

    /// <summary>True when the backend implements UpdateTimeToLive.</summary>
    public abstract bool SupportsTimeToLive { get; }

    /// <summary>A client configuration pointing at this emulator; adjust it before creating a client.</summary>
    public AmazonDynamoDBConfig CreateDynamoDbConfig() => new()
    {
        ServiceURL = ServiceUrl,
        AuthenticationRegion = AwsTestCredentials.Region,
    };

    /// <summary>A client for this emulator with dummy credentials. The caller disposes it.</summary>
    public AmazonDynamoDBClient CreateDynamoDbClient(Action<AmazonDynamoDBConfig>? configure = null)
    {
        var config = CreateDynamoDbConfig();
        configure?.Invoke(config);
        return new AmazonDynamoDBClient(AwsTestCredentials.Credentials, config);
    }

    /// <inheritdoc />
    public override string ToString() => BackendName;
}
