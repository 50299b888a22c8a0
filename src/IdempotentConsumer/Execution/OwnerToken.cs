namespace IdempotentConsumer.Execution;

/// <summary>Random per-attempt tokens that fence a record to the attempt that wrote it.</summary>
internal static class OwnerToken
{
    public static string New() => Guid.NewGuid().ToString("N");
}
