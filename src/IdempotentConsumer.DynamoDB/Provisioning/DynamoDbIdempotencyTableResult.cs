namespace IdempotentConsumer.DynamoDB;

/// <summary>What <see cref="DynamoDbIdempotencyTable.CreateIfNotExistsAsync"/> found or did.</summary>
/// <param name="TableName">The table.</param>
/// <param name="Created">True when this call created the table; false when it existed already.</param>
/// <param name="TimeToLive">The state of TTL on the expiry attribute after the call.</param>
public sealed record DynamoDbIdempotencyTableResult(string TableName, bool Created, DynamoDbTimeToLiveState TimeToLive);
