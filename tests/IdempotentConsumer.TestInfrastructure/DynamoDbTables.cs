using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace IdempotentConsumer.TestInfrastructure;

/// <summary>Table helpers for tests against DynamoDB emulators.</summary>
public static class DynamoDbTables
{
    /// <summary>
    /// Waits until the table is ACTIVE. Even with <c>--createTableMs 0</c>, dynalite answers CreateTable
    /// while the table is still CREATING, and an immediate PutItem then fails with ResourceNotFound.
    /// </summary>
    public static async Task WaitUntilActiveAsync(IAmazonDynamoDB client, string tableName, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                var description = await client.DescribeTableAsync(tableName, deadline.Token);
                if (description.Table?.TableStatus == TableStatus.ACTIVE)
                {
                    return;
                }
            }
            catch (ResourceNotFoundException)
            {
                // Not visible yet.
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Table '{tableName}' did not become ACTIVE in time.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token);
        }
    }
}
