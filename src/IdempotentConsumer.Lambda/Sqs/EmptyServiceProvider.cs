namespace IdempotentConsumer.Lambda.Sqs;

/// <summary>Services for pipelines built without dependency injection: there are none.</summary>
internal sealed class EmptyServiceProvider : IServiceProvider
{
    public static EmptyServiceProvider Instance { get; } = new();

    public object? GetService(Type serviceType) => null;
}
