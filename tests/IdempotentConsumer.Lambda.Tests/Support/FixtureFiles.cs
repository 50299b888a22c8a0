using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Lambda.Sqs;

namespace IdempotentConsumer.Lambda.Tests.Support;

/// <summary>Reads the real-format Lambda events under Fixtures/, through the Lambda JSON names.</summary>
public static class FixtureFiles
{
    public static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    public static SQSEvent Load(string name) => LambdaSqsJson.DeserializeEvent(Read(name));
}
