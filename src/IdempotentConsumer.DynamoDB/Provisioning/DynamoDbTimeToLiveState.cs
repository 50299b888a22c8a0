namespace IdempotentConsumer.DynamoDB;

/// <summary>Whether DynamoDB removes expired records by itself (TTL on the expiry attribute).</summary>
public enum DynamoDbTimeToLiveState
{
    /// <summary>TTL is enabled (or being enabled) on the expiry attribute.</summary>
    Enabled = 0,

    /// <summary>
    /// The backend has no TTL API (dynalite, some emulators). Records still stop deduplicating at their
    /// expiry; they are just not deleted by the backend.
    /// </summary>
    NotSupported = 1,
}
