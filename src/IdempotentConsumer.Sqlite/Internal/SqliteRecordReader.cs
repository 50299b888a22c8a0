using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Records;
using Microsoft.Data.Sqlite;

namespace IdempotentConsumer.Sqlite.Internal;

/// <summary>Turns a row (in the column order of <see cref="SqliteStatements"/>) into a record, refusing rows it cannot trust.</summary>
internal static class SqliteRecordReader
{
    private const int KeyColumn = 0;
    private const int StatusColumn = 1;
    private const int ExpirationColumn = 2;
    private const int LeaseColumn = 3;
    private const int ValidationColumn = 4;
    private const int DataColumn = 5;
    private const int OwnerColumn = 6;
    private const int ResponseNotStoredColumn = 7;

    public static IdempotencyRecord Read(SqliteDataReader reader)
    {
        var key = reader.GetString(KeyColumn);
        var status = ReadStatus(reader, key);
        try
        {
            return new IdempotencyRecord
            {
                Key = key,
                Status = status,
                ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(ReadInteger(reader, ExpirationColumn, key, "expiration")),
                InProgressExpiresAt = reader.IsDBNull(LeaseColumn)
                    ? null
                    : DateTimeOffset.FromUnixTimeMilliseconds(ReadInteger(reader, LeaseColumn, key, "in_progress_expiration")),
                PayloadHash = ReadText(reader, ValidationColumn, key, "validation"),
                ResponseData = ReadText(reader, DataColumn, key, "data"),
                OwnerToken = ReadText(reader, OwnerColumn, key, "owner"),
                ResponseNotStored = status == IdempotencyRecordStatus.Completed && ReadInteger(reader, ResponseNotStoredColumn, key, "response_not_stored") != 0,
            };
        }
        catch (ArgumentOutOfRangeException exception)
        {
            throw new IdempotencyCorruptRecordException($"Idempotency record '{key}' holds a time outside the representable range.", exception);
        }
    }

    private static IdempotencyRecordStatus ReadStatus(SqliteDataReader reader, string key)
    {
        var stored = reader.IsDBNull(StatusColumn) ? null : reader.GetValue(StatusColumn) as string;
        return stored switch
        {
            SqliteStatements.InProgress => IdempotencyRecordStatus.InProgress,
            SqliteStatements.Completed => IdempotencyRecordStatus.Completed,
            _ => throw new IdempotencyCorruptRecordException(
                $"Idempotency record '{key}' has the unknown status '{stored ?? "(null)"}'; expected '{SqliteStatements.InProgress}' or '{SqliteStatements.Completed}'."),
        };
    }

    // SQLite converts between storage classes silently ('abc' reads as integer 0), so check the class first.
    private static long ReadInteger(SqliteDataReader reader, int column, string key, string name) =>
        reader.GetFieldType(column) == typeof(long)
            ? reader.GetInt64(column)
            : throw new IdempotencyCorruptRecordException(
                $"Idempotency record '{key}' stores {name} as {reader.GetFieldType(column).Name}, not as an integer.");

    private static string? ReadText(SqliteDataReader reader, int column, string key, string name)
    {
        if (reader.IsDBNull(column))
        {
            return null;
        }

        return reader.GetFieldType(column) == typeof(string)
            ? reader.GetString(column)
            : throw new IdempotencyCorruptRecordException(
                $"Idempotency record '{key}' stores {name} as {reader.GetFieldType(column).Name}, not as text.");
    }
}
