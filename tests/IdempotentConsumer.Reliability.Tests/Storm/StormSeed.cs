namespace IdempotentConsumer.Reliability.Tests.Storm;

/// <summary>
/// Storm seeds: random per run so that CI explores, or fixed by <c>STORM_SEED</c> to replay a failure
/// (every report prints its seed).
/// </summary>
internal static class StormSeed
{
    public static int Next() =>
        int.TryParse(Environment.GetEnvironmentVariable("STORM_SEED"), out var seed) ? seed : Random.Shared.Next();
}
