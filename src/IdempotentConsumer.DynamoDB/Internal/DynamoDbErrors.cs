using System.Net.Sockets;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using IdempotentConsumer.Exceptions;

namespace IdempotentConsumer.DynamoDB.Internal;

/// <summary>Turns what the SDK throws after its own retries into the store contract's typed errors.</summary>
internal static class DynamoDbErrors
{
    private const string ValidationErrorCode = "ValidationException";
    private const string ResourceNotFoundErrorCode = "ResourceNotFoundException";

    /// <summary>
    /// True for failures of the backend, the network or the request (throttling, 5xx, timeouts, a missing table,
    /// a rejected request). A cancellation the caller asked for is not one: it propagates as is.
    /// </summary>
    public static bool IsPersistenceFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        AmazonServiceException or AmazonClientException => true,
        HttpRequestException or IOException or SocketException or TimeoutException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested, // an HTTP timeout, not the caller
        _ => false,
    };

    /// <summary>
    /// The typed error for a failed call. A missing table and a request DynamoDB rejects as invalid are
    /// configuration errors (retrying cannot fix them, so they are not transient); an item DynamoDB finds too
    /// large is <see cref="IdempotencyRecordTooLargeException"/>; everything else is a persistence failure.
    /// </summary>
    public static IdempotencyException Persistence(Exception cause, string operation, string tableName, string? key)
    {
        var target = key is null ? $"table '{tableName}'" : $"key '{key}' in table '{tableName}'";
        if (cause is ResourceNotFoundException || cause is AmazonServiceException { ErrorCode: ResourceNotFoundErrorCode })
        {
            return new IdempotencyConfigurationException(
                $"DynamoDB {operation} for {target} failed: the table does not exist in this account and region (or the credentials cannot see it). Create it or fix DynamoDbIdempotencyStoreOptions.TableName. {Detail(cause)}",
                cause);
        }

        if (cause is AmazonServiceException { ErrorCode: ValidationErrorCode } validation)
        {
            if (validation.Message?.Contains("item size", StringComparison.OrdinalIgnoreCase) == true)
            {
                return new IdempotencyRecordTooLargeException($"DynamoDB {operation} for {target} was refused: the item is over DynamoDB's size limit. {Detail(cause)}", cause);
            }

            return new IdempotencyConfigurationException(
                $"DynamoDB {operation} for {target} was rejected as invalid: the table's key schema or attribute names do not match DynamoDbIdempotencyStoreOptions. {Detail(cause)}",
                cause);
        }

        return new IdempotencyPersistenceException($"DynamoDB {operation} for {target} failed after the SDK's retries: {Detail(cause)}", cause);
    }

    private static string Detail(Exception cause) => cause switch
    {
        AmazonServiceException service when !string.IsNullOrEmpty(service.ErrorCode) =>
            $"{service.ErrorCode} (HTTP {(int)service.StatusCode}): {service.Message}",
        OperationCanceledException => $"the request timed out ({cause.Message})",
        _ => $"{cause.GetType().Name}: {cause.Message}",
    };
}
