namespace IdempotentConsumer.Testing.Storm.Internal;

/// <summary>The storm's handler takes what it needs by closure; the pipeline still wants a provider.</summary>
internal sealed class EmptyServiceProvider : IServiceProvider
{
    public static EmptyServiceProvider Instance { get; } = new();

    public object? GetService(Type serviceType) => null;
}
