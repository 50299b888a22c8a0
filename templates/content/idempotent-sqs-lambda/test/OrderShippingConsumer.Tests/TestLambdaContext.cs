using Amazon.Lambda.Core;

namespace OrderShippingConsumer.Tests;

/// <summary>A Lambda context for tests: a fixed amount of remaining time and a logger that keeps the lines.</summary>
public sealed class TestLambdaContext : ILambdaContext
{
    public TestLambdaContext(TimeSpan remainingTime) => RemainingTime = remainingTime;

    public string AwsRequestId { get; } = Guid.NewGuid().ToString();

    public IClientContext ClientContext => null!;

    public string FunctionName => "order-shipping-test";

    public string FunctionVersion => "$LATEST";

    public ICognitoIdentity Identity => null!;

    public string InvokedFunctionArn => "arn:aws:lambda:us-east-1:000000000000:function:order-shipping-test";

    public ILambdaLogger Logger { get; } = new ListLogger();

    public string LogGroupName => "/aws/lambda/order-shipping-test";

    public string LogStreamName => "test";

    public int MemoryLimitInMB => 512;

    public TimeSpan RemainingTime { get; }

    public sealed class ListLogger : ILambdaLogger
    {
        public List<string> Lines { get; } = [];

        public void Log(string message)
        {
            lock (Lines)
            {
                Lines.Add(message);
            }
        }

        public void LogLine(string message) => Log(message);
    }
}
