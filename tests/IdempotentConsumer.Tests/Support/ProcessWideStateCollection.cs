using Xunit;

namespace IdempotentConsumer.Tests.Support;

/// <summary>
/// Tests that touch process-wide state (environment variables, global listeners) run alone: xUnit runs a
/// collection with parallelization disabled after the parallel ones, so no other test sees their changes.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideStateCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Process-wide state";
}
