using IdempotentConsumer.Lambda.LocalRunner;

namespace IdempotentConsumer.Lambda.Tests.Support;

public static class LambdaContexts
{
    /// <summary>A context with plenty of time whose log lines are captured.</summary>
    public static LocalLambdaContext Create(out CapturingLambdaLogger logger, TimeSpan? timeout = null, TimeProvider? clock = null)
    {
        logger = new CapturingLambdaLogger();
        return new LocalLambdaContext(timeout ?? TimeSpan.FromMinutes(5), clock, logger, "orders-function");
    }

    public static LocalLambdaContext Create(TimeSpan? timeout = null, TimeProvider? clock = null) => Create(out _, timeout, clock);
}
