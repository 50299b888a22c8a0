using IdempotentConsumer.Keys;

namespace IdempotentConsumer;

/// <summary>
/// The configuration-bindable part of <see cref="IdempotencyOptions"/>. The options themselves also hold
/// serializer options and delegates, which the configuration binder's source generator cannot (and should not)
/// bind; binding this type instead keeps <c>AddIdempotency(configuration)</c> free of the reflection binder.
/// Null members were absent from configuration and leave the option's default.
/// </summary>
internal sealed class IdempotencyConfigurationSettings
{
    public string? KeyPrefix { get; set; }

    public TimeSpan? RecordExpiry { get; set; }

    public TimeSpan? InProgressLease { get; set; }

    public string? KeyJmesPath { get; set; }

    public string? PayloadValidationJmesPath { get; set; }

    public string? KeyAttribute { get; set; }

    public KeyAttributeFallback? KeyAttributeFallback { get; set; }

    public bool? VerifyKeyAttribute { get; set; }

    public bool? ThrowOnMissingKey { get; set; }

    public bool? UseLocalCache { get; set; }

    public int? LocalCacheMaxItems { get; set; }

    public IdempotencyHashAlgorithm? HashAlgorithm { get; set; }

    public IdempotencyKeyFormat? KeyFormat { get; set; }

    public bool? Disabled { get; set; }

    public int? MaxInconsistentStateAttempts { get; set; }

    public Batching.BatchPrecheckMode? BatchPrecheck { get; set; }

    public TimeSpan? InProgressWaitTimeout { get; set; }

    public TimeSpan? InProgressWaitPollDelay { get; set; }

    public TimeSpan? InProgressWaitMaxPollDelay { get; set; }

    public void ApplyTo(IdempotencyOptions options)
    {
        options.KeyPrefix = KeyPrefix ?? options.KeyPrefix;
        options.RecordExpiry = RecordExpiry ?? options.RecordExpiry;
        options.InProgressLease = InProgressLease ?? options.InProgressLease;
        options.KeyJmesPath = KeyJmesPath ?? options.KeyJmesPath;
        options.PayloadValidationJmesPath = PayloadValidationJmesPath ?? options.PayloadValidationJmesPath;
        options.KeyAttribute = KeyAttribute ?? options.KeyAttribute;
        options.KeyAttributeFallback = KeyAttributeFallback ?? options.KeyAttributeFallback;
        options.VerifyKeyAttribute = VerifyKeyAttribute ?? options.VerifyKeyAttribute;
        options.ThrowOnMissingKey = ThrowOnMissingKey ?? options.ThrowOnMissingKey;
        options.UseLocalCache = UseLocalCache ?? options.UseLocalCache;
        options.LocalCacheMaxItems = LocalCacheMaxItems ?? options.LocalCacheMaxItems;
        options.HashAlgorithm = HashAlgorithm ?? options.HashAlgorithm;
        options.KeyFormat = KeyFormat ?? options.KeyFormat;
        options.Disabled = Disabled ?? options.Disabled;
        options.MaxInconsistentStateAttempts = MaxInconsistentStateAttempts ?? options.MaxInconsistentStateAttempts;
        options.BatchPrecheck = BatchPrecheck ?? options.BatchPrecheck;
        options.InProgressWaitTimeout = InProgressWaitTimeout ?? options.InProgressWaitTimeout;
        options.InProgressWaitPollDelay = InProgressWaitPollDelay ?? options.InProgressWaitPollDelay;
        options.InProgressWaitMaxPollDelay = InProgressWaitMaxPollDelay ?? options.InProgressWaitMaxPollDelay;
    }
}
