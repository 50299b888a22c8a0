namespace IdempotentConsumer.DynamoDB;

/// <summary>
/// Where and how the DynamoDB store keeps records. Bindable from configuration (section
/// <see cref="SectionName"/>). The attribute names default to those of Powertools for AWS Lambda, so
/// one table can serve both.
/// </summary>
public sealed class DynamoDbIdempotencyStoreOptions
{
    /// <summary>The configuration section bound by <c>AddDynamoDbIdempotencyStore(configuration)</c>.</summary>
    public const string SectionName = "Idempotency:DynamoDB";

    /// <summary>The table name. Default: <c>idempotency</c>.</summary>
    public string TableName { get; set; } = "idempotency";

    /// <summary>
    /// The partition key attribute (type S). Holds the idempotency key, or
    /// <see cref="StaticPartitionKeyValue"/> when <see cref="SortKeyAttributeName"/> is set. Default: <c>id</c>.
    /// </summary>
    public string KeyAttributeName { get; set; } = "id";

    /// <summary>
    /// The sort key attribute (type S) of a table with a composite key; the idempotency key goes there and
    /// the partition key holds <see cref="StaticPartitionKeyValue"/>. Null (default): the table has a partition key only.
    /// </summary>
    public string? SortKeyAttributeName { get; set; }

    /// <summary>
    /// The partition key value used with a composite key. Null (default): <c>idempotency#</c> followed by the
    /// <c>AWS_LAMBDA_FUNCTION_NAME</c> environment variable (empty outside Lambda), as Powertools does.
    /// </summary>
    public string? StaticPartitionKeyValue { get; set; }

    /// <summary>The record expiry in epoch seconds; make it the table's TTL attribute. Default: <c>expiration</c>.</summary>
    public string ExpiryAttributeName { get; set; } = "expiration";

    /// <summary>The in-progress lease expiry in epoch milliseconds. Default: <c>in_progress_expiration</c>.</summary>
    public string InProgressExpiryAttributeName { get; set; } = "in_progress_expiration";

    /// <summary>The status: <c>INPROGRESS</c> or <c>COMPLETED</c>. Default: <c>status</c>.</summary>
    public string StatusAttributeName { get; set; } = "status";

    /// <summary>The serialized response of a completed record. Default: <c>data</c>.</summary>
    public string DataAttributeName { get; set; } = "data";

    /// <summary>The payload-validation hash. Default: <c>validation</c>.</summary>
    public string ValidationAttributeName { get; set; } = "validation";

    /// <summary>
    /// The owner token that fences complete, release and lease extension (not part of the Powertools
    /// schema; Powertools ignores it). Default: <c>owner_token</c>.
    /// </summary>
    public string OwnerAttributeName { get; set; } = "owner_token";

    /// <summary>
    /// The flag (BOOL true) on a completed record whose handler ran but whose response could not be stored (over
    /// the item limit, or not serializable); absent otherwise. Not part of the Powertools schema: Powertools sees a
    /// completed record without data. Default: <c>response_not_stored</c>.
    /// </summary>
    public string ResponseNotStoredAttributeName { get; set; } = "response_not_stored";

    /// <summary>
    /// Stores the response in <see cref="DataAttributeName"/> as a native DynamoDB value (a map for an object, as
    /// Powertools for AWS Lambda writes it) instead of JSON text, and reads either form. Turn it on, with
    /// <see cref="IdempotencyOptions.KeyFormat"/> set to <see cref="Keys.IdempotencyKeyFormat.Powertools"/>, when
    /// a Powertools consumer shares the table (docs/interop.md). Default: false.
    /// </summary>
    public bool PowertoolsInterop { get; set; }

    /// <summary>
    /// How many BatchGetItem calls one batch of up to 100 keys may take while DynamoDB keeps returning
    /// unprocessed keys (with exponential backoff between them). Default: 8.
    /// </summary>
    public int MaxBatchGetAttempts { get; set; } = 8;
}
