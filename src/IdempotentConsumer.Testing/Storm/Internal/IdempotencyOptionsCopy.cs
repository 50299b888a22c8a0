namespace IdempotentConsumer.Testing.Storm.Internal;

/// <summary>
/// Copies the storm's idempotency options, built once per run, into each consumer process's own: the user's
/// <c>ConfigureIdempotency</c> runs once, so a value it makes up (a fresh key prefix) is the same in every process.
/// </summary>
internal static class IdempotencyOptionsCopy
{
    public static void CopyTo(this IdempotencyOptions source, IdempotencyOptions target)
    {
        target.KeyPrefix = source.KeyPrefix;
        target.RecordExpiry = source.RecordExpiry;
        target.InProgressLease = source.InProgressLease;
        target.KeyJmesPath = source.KeyJmesPath;
        target.KeySource = source.KeySource;
        target.PayloadValidationJmesPath = source.PayloadValidationJmesPath;
        target.PayloadValidationSource = source.PayloadValidationSource;
        target.ThrowOnMissingKey = source.ThrowOnMissingKey;
        target.UseLocalCache = source.UseLocalCache;
        target.LocalCacheMaxItems = source.LocalCacheMaxItems;
        target.HashAlgorithm = source.HashAlgorithm;
        target.Disabled = source.Disabled;
        target.MaxInconsistentStateAttempts = source.MaxInconsistentStateAttempts;
        target.SerializerOptions = source.SerializerOptions;
        target.ResponseHook = source.ResponseHook;
    }
}
