namespace IdempotentConsumer.Redis.Internal;

/// <summary>
/// The hash fields of one record, named like the DynamoDB store's attributes. Times are decimal integers:
/// <see cref="Expiration"/> in epoch seconds, <see cref="InProgressExpiration"/> in epoch milliseconds.
/// </summary>
internal static class RedisRecordFields
{
    public const string Status = "status";
    public const string Expiration = "expiration";
    public const string InProgressExpiration = "in_progress_expiration";
    public const string Data = "data";
    public const string Validation = "validation";
    public const string Owner = "owner";
    public const string ResponseNotStored = "response_not_stored";

    /// <summary>The stored status of an in-progress record (Powertools' spelling).</summary>
    public const string InProgress = "INPROGRESS";

    /// <summary>The stored status of a completed record.</summary>
    public const string Completed = "COMPLETED";

    /// <summary>The value of <see cref="ResponseNotStored"/> when set; the field is absent otherwise.</summary>
    public const string True = "1";
}
