using Amazon.DynamoDBv2.Model;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.DynamoDB.Internal;

/// <summary>Turns records into DynamoDB items and back, refusing items it cannot trust.</summary>
internal sealed class DynamoDbRecordMapper(DynamoDbRecordSchema schema)
{
    /// <summary>The IN_PROGRESS item a begin writes.</summary>
    public Dictionary<string, AttributeValue> BeginItem(in BeginRequest request)
    {
        var item = schema.Key(request.Key);
        item[schema.StatusAttribute] = new AttributeValue { S = DynamoDbRecordSchema.InProgress };
        // The TTL attribute must not precede the lease: rounded up, and never before the lease end.
        item[schema.ExpiryAttribute] = new AttributeValue { N = EpochTime.SecondsRoundedUp(EpochTime.Later(request.ExpiresAt, request.InProgressExpiresAt)) };
        item[schema.InProgressExpiryAttribute] = new AttributeValue { N = EpochTime.Milliseconds(request.InProgressExpiresAt) };
        item[schema.OwnerAttribute] = new AttributeValue { S = request.OwnerToken };
        if (request.PayloadHash is not null)
        {
            item[schema.ValidationAttribute] = new AttributeValue { S = request.PayloadHash };
        }

        return item;
    }

    /// <summary>The COMPLETED item a one-call commit writes (no lease).</summary>
    public Dictionary<string, AttributeValue> CompletedItem(OneCallCommit commit)
    {
        var item = schema.Key(commit.Key!);
        item[schema.StatusAttribute] = new AttributeValue { S = DynamoDbRecordSchema.Completed };
        item[schema.ExpiryAttribute] = new AttributeValue { N = EpochTime.Seconds(commit.ExpiresAt) };
        item[schema.OwnerAttribute] = new AttributeValue { S = commit.OwnerToken };
        if (commit.ResponseNotStored)
        {
            item[schema.ResponseNotStoredAttribute] = new AttributeValue { BOOL = true };
        }
        else if (commit.ResponseData is not null)
        {
            item[schema.DataAttribute] = new AttributeValue { S = commit.ResponseData };
        }

        if (commit.PayloadHash is not null)
        {
            item[schema.ValidationAttribute] = new AttributeValue { S = commit.PayloadHash };
        }

        return item;
    }

    /// <summary>Reads an item; throws <see cref="IdempotencyCorruptRecordException"/> when it is not a valid record.</summary>
    public IdempotencyRecord ToRecord(Dictionary<string, AttributeValue> item)
    {
        var key = ReadString(item, schema.IdempotencyKeyAttribute, required: true, keyForMessage: null)!;
        var statusText = ReadString(item, schema.StatusAttribute, required: true, key);
        var status = statusText switch
        {
            DynamoDbRecordSchema.InProgress => IdempotencyRecordStatus.InProgress,
            DynamoDbRecordSchema.Completed => IdempotencyRecordStatus.Completed,
            _ => throw new IdempotencyCorruptRecordException(
                $"Idempotency record '{key}' has unknown status '{statusText}' in attribute '{schema.StatusAttribute}' (expected {DynamoDbRecordSchema.InProgress} or {DynamoDbRecordSchema.Completed})."),
        };

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(ReadWhole(item, schema.ExpiryAttribute, key)
            ?? throw Corrupt(key, schema.ExpiryAttribute, "is missing"));
        DateTimeOffset? lease = null;
        // A completed record has no lease, even when a writer (Powertools) left the attribute behind.
        if (status == IdempotencyRecordStatus.InProgress && ReadWhole(item, schema.InProgressExpiryAttribute, key) is { } leaseMs)
        {
            lease = DateTimeOffset.FromUnixTimeMilliseconds(leaseMs);
        }

        return new IdempotencyRecord
        {
            Key = key,
            Status = status,
            ExpiresAt = expiresAt,
            InProgressExpiresAt = lease,
            PayloadHash = ReadString(item, schema.ValidationAttribute, required: false, key),
            ResponseData = status == IdempotencyRecordStatus.Completed ? ReadData(item, key) : null,
            ResponseNotStored = status == IdempotencyRecordStatus.Completed && ReadFlag(item, schema.ResponseNotStoredAttribute, key),
            OwnerToken = ReadString(item, schema.OwnerAttribute, required: false, key),
        };
    }

    /// <summary>The attribute value a completed record's response is written as.</summary>
    public AttributeValue DataValue(string responseData) =>
        schema.PowertoolsInterop ? DynamoDbJsonValue.FromJson(responseData) : new AttributeValue { S = responseData };

    private string? ReadData(Dictionary<string, AttributeValue> item, string key)
    {
        if (!schema.PowertoolsInterop)
        {
            return ReadString(item, schema.DataAttribute, required: false, key);
        }

        // Powertools stores the result itself (a map, a string, a number...); absent means it returned undefined.
        return item.TryGetValue(schema.DataAttribute, out var value) && value is not null
            ? DynamoDbJsonValue.ToJson(value, key, schema.DataAttribute)
            : null;
    }

    private static string? ReadString(Dictionary<string, AttributeValue> item, string attribute, bool required, string? keyForMessage)
    {
        if (!item.TryGetValue(attribute, out var value) || value is null || value.NULL == true)
        {
            return required ? throw Corrupt(keyForMessage, attribute, "is missing") : null;
        }

        return value.S ?? throw Corrupt(keyForMessage, attribute, "is not a string");
    }

    private static bool ReadFlag(Dictionary<string, AttributeValue> item, string attribute, string key)
    {
        if (!item.TryGetValue(attribute, out var value) || value is null || value.NULL == true)
        {
            return false;
        }

        return value.BOOL ?? throw Corrupt(key, attribute, "is not a boolean");
    }

    private static long? ReadWhole(Dictionary<string, AttributeValue> item, string attribute, string key)
    {
        if (!item.TryGetValue(attribute, out var value) || value is null || value.NULL == true)
        {
            return null;
        }

        if (value.N is null)
        {
            throw Corrupt(key, attribute, "is not a number");
        }

        if (!EpochTime.TryParseWhole(value.N, out var whole) || whole < 0 || whole > 253_402_300_799_999)
        {
            throw Corrupt(key, attribute, $"holds '{value.N}', which is not an epoch time");
        }

        return whole;
    }

    private static IdempotencyCorruptRecordException Corrupt(string? key, string attribute, string problem) =>
        new($"Idempotency record {(key is null ? "(key unreadable)" : $"'{key}'")}: attribute '{attribute}' {problem}.");
}
