using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Records;
using Npgsql;

namespace IdempotentConsumer.PostgreSql.Internal;

/// <summary>Turns a row (in the column order of <see cref="PostgreSqlStatements"/>) into a record, refusing rows it cannot trust.</summary>
internal static class PostgreSqlRecordReader
{
    private const int KeyColumn = 0;
    private const int StatusColumn = 1;
    private const int ExpirationColumn = 2;
    private const int LeaseColumn = 3;
    private const int ValidationColumn = 4;
    private const int DataColumn = 5;
    private const int OwnerColumn = 6;
    private const int ResponseNotStoredColumn = 7;

    public static IdempotencyRecord Read(NpgsqlDataReader reader)
    {
        var key = reader.GetString(KeyColumn);
        var stored = reader.IsDBNull(StatusColumn) ? null : reader.GetString(StatusColumn);
        var status = stored switch
        {
            PostgreSqlStatements.InProgress => IdempotencyRecordStatus.InProgress,
            PostgreSqlStatements.Completed => IdempotencyRecordStatus.Completed,
            _ => throw new IdempotencyCorruptRecordException(
                $"Idempotency record '{key}' has the unknown status '{stored ?? "(null)"}'; expected '{PostgreSqlStatements.InProgress}' or '{PostgreSqlStatements.Completed}'. Another writer may be using the same table."),
        };

        try
        {
            return new IdempotencyRecord
            {
                Key = key,
                Status = status,
                ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(ExpirationColumn)),
                InProgressExpiresAt = reader.IsDBNull(LeaseColumn) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(LeaseColumn)),
                PayloadHash = Text(reader, ValidationColumn),
                ResponseData = Text(reader, DataColumn),
                OwnerToken = Text(reader, OwnerColumn),
                ResponseNotStored = status == IdempotencyRecordStatus.Completed && reader.GetBoolean(ResponseNotStoredColumn),
            };
        }
        catch (ArgumentOutOfRangeException exception)
        {
            throw new IdempotencyCorruptRecordException($"Idempotency record '{key}' holds a time outside the representable range.", exception);
        }
    }

    private static string? Text(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);
}
