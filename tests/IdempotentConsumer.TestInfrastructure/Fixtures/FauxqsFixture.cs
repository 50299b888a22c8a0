using Amazon.SQS;
using IdempotentConsumer.TestInfrastructure.Processes;

namespace IdempotentConsumer.TestInfrastructure.Fixtures;

/// <summary>
/// The fauxqs SQS emulator (JSON protocol), bound to 127.0.0.1 by tests/infra/fauxqs-server.mjs.
/// Clients keep <see cref="EmulatorFixture.ServiceUrl"/> as their endpoint: never dial a queue URL's host.
/// </summary>
public sealed class FauxqsFixture : EmulatorFixture
{
    /// <summary>A client configuration pointing at this emulator; adjust it before creating a client.</summary>
    public AmazonSQSConfig CreateSqsConfig() => new()
    {
        ServiceURL = ServiceUrl,
        AuthenticationRegion = AwsTestCredentials.Region,
    };

    /// <summary>An SQS client for this emulator with dummy credentials. The caller disposes it.</summary>
    public AmazonSQSClient CreateSqsClient(Action<AmazonSQSConfig>? configure = null)
    {
        var config = CreateSqsConfig();
        configure?.Invoke(config);
        return new AmazonSQSClient(AwsTestCredentials.Credentials, config);
    }

    /// <inheritdoc />
    protected override EmulatorLaunch CreateLaunch() => new(
        "fauxqs",
        "node",
        port => [Path.Combine(RepoPaths.InfraDirectory, "fauxqs-server.mjs"), port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
    {
        WorkingDirectory = RepoPaths.InfraDirectory,
        Environment = new Dictionary<string, string> { ["FAUXQS_LOGGER"] = "false" },
        Hint = InstallHint,
    };
}
