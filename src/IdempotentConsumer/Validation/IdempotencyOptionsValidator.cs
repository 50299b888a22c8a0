using Microsoft.Extensions.Options;

namespace IdempotentConsumer.Validation;

/// <summary>Checks <see cref="IdempotencyOptions"/>, reporting every error at once. Registered by <c>AddIdempotency</c> and run at host start.</summary>
public sealed class IdempotencyOptionsValidator : IValidateOptions<IdempotencyOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, IdempotencyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Check(options).ToResult();
    }

    /// <summary>Throws one <see cref="Exceptions.IdempotencyConfigurationException"/> naming every error.</summary>
    internal static void ThrowIfInvalid(IdempotencyOptions options) => Check(options).ThrowIfAny(nameof(IdempotencyOptions));

    private static OptionsErrors Check(IdempotencyOptions options)
    {
        var errors = new OptionsErrors();
        errors.Check(!string.IsNullOrWhiteSpace(options.KeyPrefix), "KeyPrefix must not be empty: it names the consumer in every key.");
        errors.Check(options.RecordExpiry > TimeSpan.Zero, "RecordExpiry must be positive.");
        errors.Check(options.InProgressLease > TimeSpan.Zero, "InProgressLease must be positive.");
        errors.Check(!options.UseLocalCache || options.LocalCacheMaxItems >= 3, "LocalCacheMaxItems must be at least 3 when UseLocalCache is on.");
        errors.Check(options.SerializerOptions is not null, "SerializerOptions must be set.");
        errors.Check(options.MaxInconsistentStateAttempts >= 1, "MaxInconsistentStateAttempts must be at least 1.");
        errors.Check(Enum.IsDefined(options.HashAlgorithm), $"HashAlgorithm {options.HashAlgorithm} is not supported.");
        errors.Check(options.KeyAttribute is null || !string.IsNullOrWhiteSpace(options.KeyAttribute), "KeyAttribute must be null or a non-empty attribute name.");
        errors.Check(Enum.IsDefined(options.KeyAttributeFallback), $"KeyAttributeFallback {options.KeyAttributeFallback} is not supported.");
        errors.Check(Enum.IsDefined(options.BatchPrecheck), $"BatchPrecheck {options.BatchPrecheck} is not a BatchPrecheckMode.");
        errors.Check(Enum.IsDefined(options.KeyFormat), $"KeyFormat {options.KeyFormat} is not supported.");
        errors.Check(options.InProgressWaitTimeout >= TimeSpan.Zero, "InProgressWaitTimeout must not be negative (zero: no wait).");
        errors.Check(options.InProgressWaitPollDelay > TimeSpan.Zero, "InProgressWaitPollDelay must be positive.");
        errors.Check(options.InProgressWaitMaxPollDelay >= options.InProgressWaitPollDelay, "InProgressWaitMaxPollDelay must be at least InProgressWaitPollDelay.");
        return errors;
    }
}
