using Amazon.Runtime;

namespace IdempotentConsumer.TestInfrastructure;

/// <summary>Credentials and region for emulators: they check neither, but the SDK signs every request.</summary>
public static class AwsTestCredentials
{
    /// <summary>The signing region (emulators accept any).</summary>
    public const string Region = "us-east-1";

    /// <summary>
    /// Dummy static credentials, so the SDK never looks for real ones (profiles, instance metadata).
    /// Letters and digits only: DynamoDB Local rejects other characters in the access key id.
    /// </summary>
    public static AWSCredentials Credentials { get; } = new BasicAWSCredentials("testAccessKey", "testSecretKey");
}
