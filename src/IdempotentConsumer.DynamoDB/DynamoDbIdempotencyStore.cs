using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using IdempotentConsumer.DynamoDB.Internal;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Execution;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.Options;

namespace IdempotentConsumer.DynamoDB;

/// <summary>
/// An <see cref="IIdempotencyStore"/> on DynamoDB. Begin is one conditional PutItem that returns the
/// blocking item (ALL_OLD) when it fails; complete, release and lease extension are conditional on the
/// owner token; reads are strongly consistent. The item schema is Powertools' by default.
/// </summary>
public sealed partial class DynamoDbIdempotencyStore : IIdempotencyStore, IIdempotencyStoreAdmin
{
    private const string BeginCondition =
        "attribute_not_exists(#id) OR #expiry <= :now OR (#status = :inprogress AND attribute_exists(#lease) AND #lease <= :now_ms)";

    private const string OwnerCondition = "#owner = :owner";
    private const string ExtendCondition = "#owner = :owner AND #status = :inprogress";
    private const int BatchGetLimit = 100;

    private static readonly TimeSpan BatchRetryBaseDelay = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan BatchRetryMaxDelay = TimeSpan.FromSeconds(1);

    private readonly IAmazonDynamoDB _client;
    private readonly DynamoDbRecordSchema _schema;
    private readonly DynamoDbRecordMapper _mapper;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the store on a client the caller owns (the store never disposes it).</summary>
    /// <param name="client">The DynamoDB client (its retry settings apply to every call).</param>
    /// <param name="options">Table and attribute names.</param>
    /// <param name="timeProvider">Used only to wait between BatchGetItem retries. Default: the system clock.</param>
    /// <exception cref="IdempotencyConfigurationException">The options are invalid.</exception>
    public DynamoDbIdempotencyStore(IAmazonDynamoDB client, DynamoDbIdempotencyStoreOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _schema = new DynamoDbRecordSchema(options);
        _mapper = new DynamoDbRecordMapper(_schema);
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Creates the store from DI-style options.</summary>
    public DynamoDbIdempotencyStore(IAmazonDynamoDB client, IOptions<DynamoDbIdempotencyStoreOptions> options, TimeProvider? timeProvider = null)
        : this(client, (options ?? throw new ArgumentNullException(nameof(options))).Value, timeProvider)
    {
    }

    /// <summary>The table this store writes to.</summary>
    public string TableName => _schema.TableName;

    /// <inheritdoc />
    public async ValueTask<BeginResult> TryBeginAsync(BeginRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _schema.ValidateKey(request.Key);
        var item = _mapper.BeginItem(request);
        EnsureFits(request.Key, DynamoDbItemSize.Of(item));

        var put = new PutItemRequest
        {
            TableName = _schema.TableName,
            Item = item,
            ConditionExpression = BeginCondition,
            ExpressionAttributeNames = _schema.BeginNames,
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>(4, StringComparer.Ordinal)
            {
                [":now"] = new() { N = EpochTime.Seconds(request.Now) },
                [":now_ms"] = new() { N = EpochTime.Milliseconds(request.Now) },
                [":inprogress"] = new() { S = DynamoDbRecordSchema.InProgress },
            },
            ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
        };

        try
        {
            await _client.PutItemAsync(put, cancellationToken).ConfigureAwait(false);
            return BeginResult.Won();
        }
        catch (ConditionalCheckFailedException lost) when (lost.Item is { Count: > 0 })
        {
            return BeginResult.Lost(_mapper.ToRecord(lost.Item));
        }
        catch (ConditionalCheckFailedException)
        {
            // Backends without ALL_OLD (dynalite, some proxies) say only that we lost: read the winner.
            return BeginResult.Lost(await GetAsync(request.Key, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception exception) when (DynamoDbErrors.IsPersistenceFailure(exception, cancellationToken))
        {
            throw DynamoDbErrors.Persistence(exception, "PutItem (begin)", _schema.TableName, request.Key);
        }
    }

    /// <inheritdoc />
    public async ValueTask CompleteAsync(CompleteRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _schema.ValidateKey(request.Key);
        EnsureFits(request.Key, CompletedItemSize(request));

        var storesResponse = request.ResponseData is not null && !request.ResponseNotStored;
        var values = new Dictionary<string, AttributeValue>(6, StringComparer.Ordinal)
        {
            [":completed"] = new() { S = DynamoDbRecordSchema.Completed },
            [":expiry"] = new() { N = EpochTime.Seconds(request.ExpiresAt) },
            [":owner"] = new() { S = request.OwnerToken },
        };
        if (storesResponse)
        {
            values[":data"] = _mapper.DataValue(request.ResponseData!);
        }

        if (request.ResponseNotStored)
        {
            values[":nostore"] = new AttributeValue { BOOL = true };
        }

        if (request.PayloadHash is not null)
        {
            values[":validation"] = new AttributeValue { S = request.PayloadHash };
        }

        var update = new UpdateItemRequest
        {
            TableName = _schema.TableName,
            Key = _schema.Key(request.Key),
            UpdateExpression = DynamoDbCompleteExpression.For(storesResponse, request.ResponseNotStored, request.PayloadHash is not null),
            ConditionExpression = OwnerCondition,
            ExpressionAttributeNames = request.PayloadHash is null ? _schema.CompleteNames : _schema.CompleteWithValidationNames,
            ExpressionAttributeValues = values,
        };

        try
        {
            await _client.UpdateItemAsync(update, cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException exception)
        {
            throw StaleOwner(request.Key, "complete", exception);
        }
        catch (Exception exception) when (DynamoDbErrors.IsPersistenceFailure(exception, cancellationToken))
        {
            throw DynamoDbErrors.Persistence(exception, "UpdateItem (complete)", _schema.TableName, request.Key);
        }
    }

    /// <inheritdoc />
    public async ValueTask ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _schema.ValidateKey(key);
        var delete = new DeleteItemRequest
        {
            TableName = _schema.TableName,
            Key = _schema.Key(key),
            ConditionExpression = OwnerCondition,
            ExpressionAttributeNames = _schema.OwnerNames,
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>(1, StringComparer.Ordinal) { [":owner"] = new() { S = ownerToken } },
        };

        try
        {
            await _client.DeleteItemAsync(delete, cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException exception)
        {
            throw StaleOwner(key, "release", exception);
        }
        catch (Exception exception) when (DynamoDbErrors.IsPersistenceFailure(exception, cancellationToken))
        {
            throw DynamoDbErrors.Persistence(exception, "DeleteItem (release)", _schema.TableName, key);
        }
    }

    /// <inheritdoc />
    public async ValueTask ExtendLeaseAsync(ExtendLeaseRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var key = request.Key;
        _schema.ValidateKey(key);

        // Lease and TTL move in one conditional write, so TTL can never delete the record under a live lease.
        var update = new UpdateItemRequest
        {
            TableName = _schema.TableName,
            Key = _schema.Key(key),
            UpdateExpression = "SET #lease = :lease, #expiry = :expiry",
            ConditionExpression = ExtendCondition,
            ExpressionAttributeNames = _schema.ExtendNames,
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>(4, StringComparer.Ordinal)
            {
                [":lease"] = new() { N = EpochTime.Milliseconds(request.InProgressExpiresAt) },
                [":expiry"] = new() { N = EpochTime.SecondsRoundedUp(EpochTime.Later(request.ExpiresAt, request.InProgressExpiresAt)) },
                [":owner"] = new() { S = request.OwnerToken },
                [":inprogress"] = new() { S = DynamoDbRecordSchema.InProgress },
            },
        };

        try
        {
            await _client.UpdateItemAsync(update, cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException exception)
        {
            throw StaleOwner(key, "extend the lease of", exception);
        }
        catch (Exception exception) when (DynamoDbErrors.IsPersistenceFailure(exception, cancellationToken))
        {
            throw DynamoDbErrors.Persistence(exception, "UpdateItem (extend lease)", _schema.TableName, key);
        }
    }

    /// <inheritdoc />
    public async ValueTask<IdempotencyRecord?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _schema.ValidateKey(key);
        GetItemResponse response;
        try
        {
            response = await _client.GetItemAsync(
                new GetItemRequest { TableName = _schema.TableName, Key = _schema.Key(key), ConsistentRead = true },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (DynamoDbErrors.IsPersistenceFailure(exception, cancellationToken))
        {
            throw DynamoDbErrors.Persistence(exception, "GetItem", _schema.TableName, key);
        }

        // SDK v4 returns a null item (not an empty one) on a miss.
        return response.Item is { Count: > 0 } item ? _mapper.ToRecord(item) : null;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyDictionary<string, IdempotencyRecord>> GetManyAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        cancellationToken.ThrowIfCancellationRequested();
        var distinct = new List<string>(keys.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            _schema.ValidateKey(key);
            if (seen.Add(key))
            {
                distinct.Add(key);
            }
        }

        var found = new Dictionary<string, IdempotencyRecord>(distinct.Count, StringComparer.Ordinal);
        foreach (var chunk in distinct.Chunk(BatchGetLimit))
        {
            await GetBatchAsync(chunk, found, cancellationToken).ConfigureAwait(false);
        }

        return found;
    }

    private async Task GetBatchAsync(string[] keys, Dictionary<string, IdempotencyRecord> found, CancellationToken cancellationToken)
    {
        var pending = new KeysAndAttributes { Keys = keys.Select(_schema.Key).ToList(), ConsistentRead = true };
        for (var attempt = 1; ; attempt++)
        {
            BatchGetItemResponse response;
            try
            {
                response = await _client.BatchGetItemAsync(
                    new BatchGetItemRequest { RequestItems = new Dictionary<string, KeysAndAttributes>(1) { [_schema.TableName] = pending } },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (DynamoDbErrors.IsPersistenceFailure(exception, cancellationToken))
            {
                throw DynamoDbErrors.Persistence(exception, "BatchGetItem", _schema.TableName, key: null);
            }

            if (response.Responses?.TryGetValue(_schema.TableName, out var items) == true && items is not null)
            {
                foreach (var item in items)
                {
                    var record = _mapper.ToRecord(item);
                    found[record.Key] = record;
                }
            }

            if (response.UnprocessedKeys?.TryGetValue(_schema.TableName, out var unprocessed) != true
                || unprocessed?.Keys is not { Count: > 0 })
            {
                return;
            }

            if (attempt >= _schema.MaxBatchGetAttempts)
            {
                throw new IdempotencyPersistenceException(
                    $"DynamoDB BatchGetItem on table '{_schema.TableName}' still left {unprocessed.Keys.Count} keys unprocessed after {attempt} calls (throttled).");
            }

            // DynamoDB asks callers to back off exponentially before resubmitting unprocessed keys.
            pending = new KeysAndAttributes { Keys = unprocessed.Keys, ConsistentRead = true };
            await Task.Delay(BatchRetryDelay(attempt), _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One-call mode: writes the COMPLETED record (when <see cref="OneCallCommit.Key"/> is set) and the handler's writes in
    /// one TransactWriteItems, the record's put conditional like a begin. Lost: the record that blocked it, from the
    /// cancellation reason (ALL_OLD) or, where the backend sends none, a consistent read.
    /// </summary>
    internal async ValueTask<BeginResult> CommitAsync(OneCallCommit commit, IReadOnlyList<TransactWriteItem> writes, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var items = new List<TransactWriteItem>(writes.Count + 1);
        if (commit.Key is { } key)
        {
            _schema.ValidateKey(key);
            var item = _mapper.CompletedItem(commit);
            EnsureFits(key, DynamoDbItemSize.Of(item));
            items.Add(new TransactWriteItem
            {
                Put = new Put
                {
                    TableName = _schema.TableName,
                    Item = item,
                    ConditionExpression = BeginCondition,
                    ExpressionAttributeNames = _schema.BeginNames,
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue>(3, StringComparer.Ordinal)
                    {
                        [":now"] = new() { N = EpochTime.Seconds(commit.Now) },
                        [":now_ms"] = new() { N = EpochTime.Milliseconds(commit.Now) },
                        [":inprogress"] = new() { S = DynamoDbRecordSchema.InProgress },
                    },
                    ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
                },
            });
        }

        items.AddRange(writes);
        if (items.Count == 0)
        {
            return BeginResult.Won();
        }

        var request = new TransactWriteItemsRequest { TransactItems = items, ClientRequestToken = ClientRequestToken(commit) };
        try
        {
            await _client.TransactWriteItemsAsync(request, cancellationToken).ConfigureAwait(false);
            return BeginResult.Won();
        }
        catch (TransactionCanceledException cancelled) when (commit.Key is not null && RecordConditionFailed(cancelled))
        {
            var old = cancelled.CancellationReasons[0].Item;
            return BeginResult.Lost(old is { Count: > 0 } ? _mapper.ToRecord(old) : await GetAsync(commit.Key, cancellationToken).ConfigureAwait(false));
        }
        catch (TransactionCanceledException cancelled) when (cancelled.CancellationReasons?.Any(r => r.Code == "ConditionalCheckFailed") == true)
        {
            throw; // one of the handler's own conditions: its business rule, not the store's failure
        }
        catch (Exception exception) when (DynamoDbErrors.IsPersistenceFailure(exception, cancellationToken))
        {
            throw DynamoDbErrors.Persistence(exception, "TransactWriteItems (commit)", _schema.TableName, commit.Key);
        }
    }

    private static bool RecordConditionFailed(TransactionCanceledException cancelled) =>
        cancelled.CancellationReasons is { Count: > 0 } reasons && reasons[0].Code == "ConditionalCheckFailed";

    // The same commit sent again (SDK retry, or the executor's retry after a lost reply) carries the same token, so
    // DynamoDB applies it at most once; a new attempt has a new owner token, hence a new token. At most 36 characters.
    private static string ClientRequestToken(OneCallCommit commit)
    {
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Concat(commit.Key, "\n", commit.OwnerToken)), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    private static TimeSpan BatchRetryDelay(int attempt)
    {
        var exponential = BatchRetryBaseDelay * Math.Pow(2, attempt - 1);
        var capped = exponential < BatchRetryMaxDelay ? exponential : BatchRetryMaxDelay;
        return capped * (0.5 + (Random.Shared.NextDouble() / 2)); // jitter spreads contenders apart
    }

    private long CompletedItemSize(in CompleteRequest request)
    {
        // The item after the update: key, status, expiry, owner, response and validation hash (the lease is removed).
        var size = DynamoDbItemSize.Of(_schema.Key(request.Key))
            + DynamoDbItemSize.Attribute(_schema.StatusAttribute, DynamoDbRecordSchema.Completed)
            + DynamoDbItemSize.NumberAttribute(_schema.ExpiryAttribute)
            + DynamoDbItemSize.Attribute(_schema.OwnerAttribute, request.OwnerToken)
            + (request.ResponseNotStored
                ? DynamoDbItemSize.NumberAttribute(_schema.ResponseNotStoredAttribute)
                : DynamoDbItemSize.Attribute(_schema.DataAttribute, request.ResponseData))
            + DynamoDbItemSize.Attribute(_schema.ValidationAttribute, request.PayloadHash);
        return size;
    }

    private static void EnsureFits(string key, long itemBytes)
    {
        if (itemBytes > DynamoDbItemSize.MaxItemBytes)
        {
            throw new IdempotencyRecordTooLargeException(string.Create(
                CultureInfo.InvariantCulture,
                $"The idempotency record for key '{key}' would be {itemBytes:N0} bytes, over DynamoDB's item limit of {DynamoDbItemSize.MaxItemBytes:N0} bytes (400 KB); nothing was written. Return a smaller response from the handler."));
        }
    }

    private static IdempotencyStaleOwnerException StaleOwner(string key, string operation, Exception cause) =>
        new($"Cannot {operation} idempotency record '{key}': this attempt no longer owns it (its lease lapsed and another attempt took it over, it was removed, or it is already completed).", cause);
}
