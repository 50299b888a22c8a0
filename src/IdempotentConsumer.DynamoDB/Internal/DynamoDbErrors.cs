using System.Net.Sockets;
using Amazon.Runtime;
using IdempotentConsumer.Exceptions;

namespace IdempotentConsumer.DynamoDB.Internal;

/// <summary>Turns what the SDK throws after its own retries into the store contract's typed errors.</summary>
internal static class DynamoDbErrors
{
    /// <summary>
    /// True for failures of the backend or the network (throttling, 5xx, timeouts, missing table).
    /// A cancellation the caller asked for is not one: it propagates as is.
    /// </summary>
    public static bool IsPersistenceFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        AmazonServiceException or AmazonClientException => true,
        HttpRequestException or IOException or SocketException or TimeoutException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested, // an HTTP timeout, not the caller
        _ => false,
    };

    public static IdempotencyPersistenceException Persistence(Exception cause, string operation, string tableName, string? key)
    {
        var detail = cause switch
        {
            AmazonServiceException service when !string.IsNullOrEmpty(service.ErrorCode) =>
                $"{service.ErrorCode} (HTTP {(int)service.StatusCode}): {service.Message}",
            OperationCanceledException => $"the request timed out ({cause.Message})",
            _ => $"{cause.GetType().Name}: {cause.Message}",
        };
        var target = key is null ? $"table '{tableName}'" : $"key '{key}' in table '{tableName}'";
        return new IdempotencyPersistenceException($"DynamoDB {operation} for {target} failed after the SDK's retries: {detail}", cause);
    }
}
