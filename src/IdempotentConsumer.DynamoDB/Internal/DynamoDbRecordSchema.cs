using System.Text;
using Amazon.DynamoDBv2.Model;
using IdempotentConsumer.Exceptions;

namespace IdempotentConsumer.DynamoDB.Internal;

/// <summary>
/// The validated attribute names of one store, how keys map to DynamoDB keys, and the expression
/// attribute names every request uses (built once; the SDK only reads them).
/// </summary>
internal sealed class DynamoDbRecordSchema
{
    /// <summary>DynamoDB's limit on a partition key value, in UTF-8 bytes.</summary>
    public const int MaxPartitionKeyBytes = 2048;

    /// <summary>DynamoDB's limit on a sort key value, in UTF-8 bytes.</summary>
    public const int MaxSortKeyBytes = 1024;

    public const string InProgress = "INPROGRESS";
    public const string Completed = "COMPLETED";

    public DynamoDbRecordSchema(DynamoDbIdempotencyStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        new DynamoDbIdempotencyStoreOptionsValidator().ThrowIfInvalid(options);
        TableName = Require(options.TableName, nameof(options.TableName));
        KeyAttribute = Require(options.KeyAttributeName, nameof(options.KeyAttributeName));
        SortKeyAttribute = string.IsNullOrWhiteSpace(options.SortKeyAttributeName) ? null : options.SortKeyAttributeName;
        ExpiryAttribute = Require(options.ExpiryAttributeName, nameof(options.ExpiryAttributeName));
        InProgressExpiryAttribute = Require(options.InProgressExpiryAttributeName, nameof(options.InProgressExpiryAttributeName));
        StatusAttribute = Require(options.StatusAttributeName, nameof(options.StatusAttributeName));
        DataAttribute = Require(options.DataAttributeName, nameof(options.DataAttributeName));
        ValidationAttribute = Require(options.ValidationAttributeName, nameof(options.ValidationAttributeName));
        OwnerAttribute = Require(options.OwnerAttributeName, nameof(options.OwnerAttributeName));
        ResponseNotStoredAttribute = Require(options.ResponseNotStoredAttributeName, nameof(options.ResponseNotStoredAttributeName));
        if (options.MaxBatchGetAttempts < 1)
        {
            throw new IdempotencyConfigurationException($"{nameof(options.MaxBatchGetAttempts)} must be at least 1 (was {options.MaxBatchGetAttempts}).");
        }

        MaxBatchGetAttempts = options.MaxBatchGetAttempts;
        PowertoolsInterop = options.PowertoolsInterop;
        var names = new[] { KeyAttribute, SortKeyAttribute, ExpiryAttribute, InProgressExpiryAttribute, StatusAttribute, DataAttribute, ValidationAttribute, OwnerAttribute, ResponseNotStoredAttribute }
            .Where(name => name is not null)
            .ToList();
        var duplicate = names.GroupBy(name => name, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw new IdempotencyConfigurationException($"DynamoDB attribute name '{duplicate.Key}' is configured for more than one field; each field needs its own attribute.");
        }

        if (SortKeyAttribute is not null)
        {
            StaticPartitionKeyValue = options.StaticPartitionKeyValue
                ?? "idempotency#" + Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME");
            var bytes = Encoding.UTF8.GetByteCount(StaticPartitionKeyValue);
            if (bytes is 0 or > MaxPartitionKeyBytes)
            {
                throw new IdempotencyConfigurationException(
                    $"{nameof(options.StaticPartitionKeyValue)} must be 1 to {MaxPartitionKeyBytes} UTF-8 bytes (was {bytes}).");
            }
        }

        // Every attribute goes through a placeholder: status, data and others are DynamoDB reserved words.
        BeginNames = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["#id"] = KeyAttribute,
            ["#expiry"] = ExpiryAttribute,
            ["#status"] = StatusAttribute,
            ["#lease"] = InProgressExpiryAttribute,
        };
        CompleteNames = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["#status"] = StatusAttribute,
            ["#expiry"] = ExpiryAttribute,
            ["#data"] = DataAttribute,
            ["#lease"] = InProgressExpiryAttribute,
            ["#owner"] = OwnerAttribute,
            ["#nostore"] = ResponseNotStoredAttribute,
        };
        CompleteWithValidationNames = new Dictionary<string, string>(CompleteNames, StringComparer.Ordinal)
        {
            ["#validation"] = ValidationAttribute,
        };
        OwnerNames = new Dictionary<string, string>(StringComparer.Ordinal) { ["#owner"] = OwnerAttribute };
        ExtendNames = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["#owner"] = OwnerAttribute,
            ["#status"] = StatusAttribute,
            ["#lease"] = InProgressExpiryAttribute,
            ["#expiry"] = ExpiryAttribute,
        };
    }

    public string TableName { get; }

    public string KeyAttribute { get; }

    public string? SortKeyAttribute { get; }

    public string? StaticPartitionKeyValue { get; }

    public string ExpiryAttribute { get; }

    public string InProgressExpiryAttribute { get; }

    public string StatusAttribute { get; }

    public string DataAttribute { get; }

    public string ValidationAttribute { get; }

    public string OwnerAttribute { get; }

    public string ResponseNotStoredAttribute { get; }

    public int MaxBatchGetAttempts { get; }

    /// <summary>The response is stored as a native DynamoDB value (Powertools' form), not JSON text.</summary>
    public bool PowertoolsInterop { get; }

    public bool IsComposite => SortKeyAttribute is not null;

    /// <summary>The attribute that holds the idempotency key itself.</summary>
    public string IdempotencyKeyAttribute => SortKeyAttribute ?? KeyAttribute;

    public Dictionary<string, string> BeginNames { get; }

    public Dictionary<string, string> CompleteNames { get; }

    public Dictionary<string, string> CompleteWithValidationNames { get; }

    public Dictionary<string, string> OwnerNames { get; }

    public Dictionary<string, string> ExtendNames { get; }

    /// <summary>The DynamoDB key of a record.</summary>
    public Dictionary<string, AttributeValue> Key(string idempotencyKey)
    {
        var key = new Dictionary<string, AttributeValue>(2, StringComparer.Ordinal);
        if (SortKeyAttribute is null)
        {
            key[KeyAttribute] = new AttributeValue { S = idempotencyKey };
        }
        else
        {
            key[KeyAttribute] = new AttributeValue { S = StaticPartitionKeyValue };
            key[SortKeyAttribute] = new AttributeValue { S = idempotencyKey };
        }

        return key;
    }

    /// <summary>Rejects keys DynamoDB cannot store, before any request is sent.</summary>
    public void ValidateKey(string idempotencyKey)
    {
        ArgumentNullException.ThrowIfNull(idempotencyKey);
        var limit = IsComposite ? MaxSortKeyBytes : MaxPartitionKeyBytes;
        int bytes;
        try
        {
            bytes = StrictUtf8.GetByteCount(idempotencyKey);
        }
        catch (EncoderFallbackException exception)
        {
            throw new IdempotencyKeyInvalidException("The idempotency key is not valid Unicode text (it contains an unpaired surrogate), so DynamoDB cannot store it.", exception);
        }

        if (bytes == 0)
        {
            throw new IdempotencyKeyInvalidException("The idempotency key is empty; DynamoDB does not allow empty key values.");
        }

        if (bytes > limit)
        {
            throw new IdempotencyKeyInvalidException(
                $"The idempotency key is {bytes} UTF-8 bytes, over DynamoDB's limit of {limit} bytes for a {(IsComposite ? "sort" : "partition")} key. "
                + "Use a shorter key prefix or key expression.");
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string Require(string? value, string name) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new IdempotencyConfigurationException($"DynamoDB store option {name} must not be empty.")
            : value;
}
