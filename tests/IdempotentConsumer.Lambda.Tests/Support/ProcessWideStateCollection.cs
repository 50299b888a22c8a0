namespace IdempotentConsumer.Lambda.Tests.Support;

/// <summary>
/// Tests that touch process-wide state (environment variables) run alone: xUnit runs a collection with
/// parallelization disabled after the parallel ones, so no other test sees their changes.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideStateCollection
{
    public const string Name = "Process-wide state";
}
