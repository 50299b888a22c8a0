using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using IdempotentConsumer.DynamoDB.Internal;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.DynamoDB;

/// <summary>Operator access (<see cref="IIdempotencyStoreAdmin"/>): a filtered Scan, unconditional and expiry-conditional deletes.</summary>
public sealed partial class DynamoDbIdempotencyStore
{
    // An expired record may be purged unless it is in progress under a live lease (its TTL was moved past the lease).
    private const string PurgeCondition =
        "#expiry <= :now AND NOT (#status = :inprogress AND attribute_exists(#lease) AND #lease > :now_ms)";

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<IdempotencyRecord>> ListAsync(IdempotencyRecordFilter filter, DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var found = new List<IdempotencyRecord>();
        await ScanAsync(filter, now, found, limit, cancellationToken).ConfigureAwait(false);
        found.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return found;
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        _schema.ValidateKey(key);
        try
        {
            var response = await _client.DeleteItemAsync(
                new DeleteItemRequest { TableName = _schema.TableName, Key = _schema.Key(key), ReturnValues = ReturnValue.ALL_OLD },
                cancellationToken).ConfigureAwait(false);
            return response.Attributes is { Count: > 0 };
        }
        catch (Exception exception) when (DynamoDbErrors.IsPersistenceFailure(exception, cancellationToken))
        {
            throw DynamoDbErrors.Persistence(exception, "DeleteItem (admin)", _schema.TableName, key);
        }
    }

    /// <inheritdoc />
    public async ValueTask<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var expired = new List<IdempotencyRecord>();
        await ScanAsync(IdempotencyRecordFilter.Expired, now, expired, int.MaxValue, cancellationToken).ConfigureAwait(false);
        var deleted = 0;
        foreach (var record in expired)
        {
            // Each delete re-checks expiry on the item, so a record begun again since the scan stays.
            var delete = new DeleteItemRequest
            {
                TableName = _schema.TableName,
                Key = _schema.Key(record.Key),
                ConditionExpression = PurgeCondition,
                ExpressionAttributeNames = Used(PurgeCondition, _schema.BeginNames),
                ExpressionAttributeValues = Used(PurgeCondition, TimeValues(now)),
            };
            try
            {
                await _client.DeleteItemAsync(delete, cancellationToken).ConfigureAwait(false);
                deleted++;
            }
            catch (ConditionalCheckFailedException)
            {
                // Taken again (or extended) since the scan: not expired any more.
            }
            catch (Exception exception) when (DynamoDbErrors.IsPersistenceFailure(exception, cancellationToken))
            {
                throw DynamoDbErrors.Persistence(exception, "DeleteItem (purge expired)", _schema.TableName, record.Key);
            }
        }

        return deleted;
    }

    private async Task ScanAsync(IdempotencyRecordFilter filter, DateTimeOffset now, List<IdempotencyRecord> found, int limit, CancellationToken cancellationToken)
    {
        var (expression, names, values) = ScanFilter(filter, now);
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var scan = new ScanRequest
            {
                TableName = _schema.TableName,
                ConsistentRead = true,
                FilterExpression = expression,
                ExpressionAttributeNames = names,
                ExpressionAttributeValues = values,
                ExclusiveStartKey = start,
            };
            ScanResponse response;
            try
            {
                response = await _client.ScanAsync(scan, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (DynamoDbErrors.IsPersistenceFailure(exception, cancellationToken))
            {
                throw DynamoDbErrors.Persistence(exception, "Scan (admin)", _schema.TableName, key: null);
            }

            foreach (var item in response.Items ?? [])
            {
                if (found.Count >= limit)
                {
                    return;
                }

                found.Add(_mapper.ToRecord(item));
            }

            start = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null && found.Count < limit);
    }

    private (string? Expression, Dictionary<string, string>? Names, Dictionary<string, AttributeValue>? Values) ScanFilter(IdempotencyRecordFilter filter, DateTimeOffset now)
    {
        var condition = filter switch
        {
            IdempotencyRecordFilter.InProgress => "#status = :inprogress AND #expiry > :now",
            IdempotencyRecordFilter.Stuck => "#status = :inprogress AND attribute_exists(#lease) AND #lease <= :now_ms",
            IdempotencyRecordFilter.Expired => "#expiry <= :now",
            _ => null,
        };
        var names = condition is null ? null : new Dictionary<string, string>(_schema.BeginNames, StringComparer.Ordinal);
        var values = condition is null ? null : TimeValues(now);
        if (_schema.IsComposite)
        {
            // A shared table holds other partitions (other functions' records): list this store's only.
            condition = condition is null ? "#pk = :pk" : $"#pk = :pk AND ({condition})";
            names ??= new Dictionary<string, string>(StringComparer.Ordinal);
            values ??= new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
            names["#pk"] = _schema.KeyAttribute;
            values[":pk"] = new AttributeValue { S = _schema.StaticPartitionKeyValue };
        }

        if (names is not null && condition is not null)
        {
            // DynamoDB rejects placeholders the expression does not use.
            names = Used(condition, names);
            values = Used(condition, values!);
        }

        return (condition, names, values);
    }

    private static Dictionary<string, T> Used<T>(string expression, Dictionary<string, T> placeholders) =>
        placeholders
            .Where(p => System.Text.RegularExpressions.Regex.IsMatch(expression, System.Text.RegularExpressions.Regex.Escape(p.Key) + "(?![A-Za-z0-9_])"))
            .ToDictionary(StringComparer.Ordinal);

    private static Dictionary<string, AttributeValue> TimeValues(DateTimeOffset now) => new(3, StringComparer.Ordinal)
    {
        [":now"] = new() { N = EpochTime.Seconds(now) },
        [":now_ms"] = new() { N = EpochTime.Milliseconds(now) },
        [":inprogress"] = new() { S = DynamoDbRecordSchema.InProgress },
    };
}
