using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using IdempotentConsumer.DynamoDB.Internal;
using IdempotentConsumer.Exceptions;

namespace IdempotentConsumer.DynamoDB;

/// <summary>
/// Creates the idempotency table for tests, demos and first-time users: on-demand billing, string keys
/// as the options describe, TTL on the expiry attribute. Production tables are better declared in
/// infrastructure code (see docs/dynamodb.md for the CloudFormation equivalent).
/// </summary>
public static class DynamoDbIdempotencyTable
{
    private static readonly TimeSpan ActiveTimeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Creates the table unless it exists, waits until it is ACTIVE, and enables TTL on the expiry
    /// attribute where the backend supports it. Safe to call concurrently and repeatedly.
    /// </summary>
    /// <exception cref="IdempotencyConfigurationException">The table exists with a key schema the options do not describe, or TTL is on another attribute.</exception>
    /// <exception cref="IdempotencyPersistenceException">DynamoDB failed.</exception>
    public static async Task<DynamoDbIdempotencyTableResult> CreateIfNotExistsAsync(
        IAmazonDynamoDB client,
        DynamoDbIdempotencyStoreOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var schema = new DynamoDbRecordSchema(options ?? new DynamoDbIdempotencyStoreOptions());
        try
        {
            var existing = await DescribeAsync(client, schema.TableName, cancellationToken).ConfigureAwait(false);
            var created = false;
            if (existing is null)
            {
                created = await CreateAsync(client, schema, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                EnsureKeySchemaMatches(existing, schema);
            }

            await WaitUntilActiveAsync(client, schema.TableName, cancellationToken).ConfigureAwait(false);
            var ttl = await EnableTimeToLiveAsync(client, schema, cancellationToken).ConfigureAwait(false);
            return new DynamoDbIdempotencyTableResult(schema.TableName, created, ttl);
        }
        catch (Exception exception) when (exception is not IdempotencyConfigurationException && DynamoDbErrors.IsPersistenceFailure(exception, cancellationToken))
        {
            throw DynamoDbErrors.Persistence(exception, "table provisioning", schema.TableName, key: null);
        }
    }

    private static async Task<TableDescription?> DescribeAsync(IAmazonDynamoDB client, string tableName, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.DescribeTableAsync(new DescribeTableRequest { TableName = tableName }, cancellationToken).ConfigureAwait(false)).Table;
        }
        catch (ResourceNotFoundException)
        {
            return null;
        }
    }

    private static async Task<bool> CreateAsync(IAmazonDynamoDB client, DynamoDbRecordSchema schema, CancellationToken cancellationToken)
    {
        var request = new CreateTableRequest
        {
            TableName = schema.TableName,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = [new AttributeDefinition(schema.KeyAttribute, ScalarAttributeType.S)],
            KeySchema = [new KeySchemaElement(schema.KeyAttribute, KeyType.HASH)],
        };
        if (schema.SortKeyAttribute is { } sortKey)
        {
            request.AttributeDefinitions.Add(new AttributeDefinition(sortKey, ScalarAttributeType.S));
            request.KeySchema.Add(new KeySchemaElement(sortKey, KeyType.RANGE));
        }

        try
        {
            await client.CreateTableAsync(request, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ResourceInUseException)
        {
            return false; // someone else created it between our describe and create
        }
    }

    private static void EnsureKeySchemaMatches(TableDescription table, DynamoDbRecordSchema schema)
    {
        var keys = table.KeySchema ?? [];
        var hash = keys.FirstOrDefault(k => k.KeyType == KeyType.HASH)?.AttributeName;
        var range = keys.FirstOrDefault(k => k.KeyType == KeyType.RANGE)?.AttributeName;
        if (!string.Equals(hash, schema.KeyAttribute, StringComparison.Ordinal) || !string.Equals(range, schema.SortKeyAttribute, StringComparison.Ordinal))
        {
            throw new IdempotencyConfigurationException(
                $"Table '{schema.TableName}' has key ({hash ?? "none"}{(range is null ? string.Empty : ", " + range)}) but the store is configured for "
                + $"({schema.KeyAttribute}{(schema.SortKeyAttribute is null ? string.Empty : ", " + schema.SortKeyAttribute)}).");
        }
    }

    private static async Task WaitUntilActiveAsync(IAmazonDynamoDB client, string tableName, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ActiveTimeout);
        var delay = TimeSpan.FromMilliseconds(20);
        try
        {
            while ((await DescribeAsync(client, tableName, deadline.Token).ConfigureAwait(false))?.TableStatus != TableStatus.ACTIVE)
            {
                await Task.Delay(delay, deadline.Token).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IdempotencyPersistenceException($"Table '{tableName}' did not become ACTIVE within {ActiveTimeout.TotalMinutes:0} minutes.");
        }
    }

    private static async Task<DynamoDbTimeToLiveState> EnableTimeToLiveAsync(IAmazonDynamoDB client, DynamoDbRecordSchema schema, CancellationToken cancellationToken)
    {
        try
        {
            if (await ReadTimeToLiveAsync(client, schema, cancellationToken).ConfigureAwait(false) is { } enabled)
            {
                return enabled;
            }

            try
            {
                await client.UpdateTimeToLiveAsync(
                    new UpdateTimeToLiveRequest
                    {
                        TableName = schema.TableName,
                        TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = schema.ExpiryAttribute, Enabled = true },
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonDynamoDBException exception) when (exception.ErrorCode == "ValidationException")
            {
                // A concurrent provisioner may have enabled it between our read and our update ("TimeToLive is already enabled").
                if (await ReadTimeToLiveAsync(client, schema, cancellationToken).ConfigureAwait(false) is { } enabledMeanwhile)
                {
                    return enabledMeanwhile;
                }

                throw;
            }

            return DynamoDbTimeToLiveState.Enabled;
        }
        catch (AmazonDynamoDBException exception) when (IsUnsupportedOperation(exception))
        {
            return DynamoDbTimeToLiveState.NotSupported;
        }
    }

    /// <summary>Enabled when TTL is on (or turning on) for the expiry attribute; null when it is off.</summary>
    private static async Task<DynamoDbTimeToLiveState?> ReadTimeToLiveAsync(IAmazonDynamoDB client, DynamoDbRecordSchema schema, CancellationToken cancellationToken)
    {
        var current = (await client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = schema.TableName }, cancellationToken).ConfigureAwait(false))
            .TimeToLiveDescription;
        var status = current?.TimeToLiveStatus;
        if (status != TimeToLiveStatus.ENABLED && status != TimeToLiveStatus.ENABLING)
        {
            return null;
        }

        return string.Equals(current!.AttributeName, schema.ExpiryAttribute, StringComparison.Ordinal)
            ? DynamoDbTimeToLiveState.Enabled
            : throw new IdempotencyConfigurationException(
                $"Table '{schema.TableName}' has TTL on attribute '{current.AttributeName}', but records keep their expiry in '{schema.ExpiryAttribute}'.");
    }

    private static bool IsUnsupportedOperation(AmazonDynamoDBException exception) =>
        exception.ErrorCode is "UnknownOperationException" or "UnrecognizedClientException" or "NotImplemented"
        || exception.StatusCode == System.Net.HttpStatusCode.NotImplemented;
}
