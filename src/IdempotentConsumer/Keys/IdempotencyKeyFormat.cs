namespace IdempotentConsumer.Keys;

/// <summary>How the key material is written and hashed into a key.</summary>
public enum IdempotencyKeyFormat
{
    /// <summary>
    /// <c>{KeyPrefix}#{hex hash}</c> of the canonical material (sorted members, exact numbers, a selected string
    /// keyed by its text). Default.
    /// </summary>
    Default = 0,

    /// <summary>
    /// Powertools for AWS Lambda's key: <c>{KeyPrefix}#{base64 hash}</c> of <c>JSON.stringify</c> of the selected
    /// value with object members sorted case-insensitively (Powertools' <c>deepSort</c>), and the payload-validation
    /// hash the same way. Set <see cref="IdempotencyOptions.KeyPrefix"/> to the prefix Powertools uses (the
    /// <c>AWS_LAMBDA_FUNCTION_NAME</c>, or its <c>keyPrefix</c> option) and the same hash algorithm, so one table
    /// deduplicates across both.
    /// </summary>
    Powertools = 1,
}
