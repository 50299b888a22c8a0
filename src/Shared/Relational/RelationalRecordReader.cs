using System.Data.Common;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Records;

namespace IdempotentConsumer.Relational;

/// <summary>
/// Turns a row of the relational stores' record table (SQLite, PostgreSQL; both select the columns in the order below)
/// into a record, refusing rows it cannot trust. Compiled into each relational store as shared source, so neither the
/// core nor a third package carries it as public API.
/// </summary>
internal static class RelationalRecordReader
{
    /// <summary>The stored status of a record in progress.</summary>
    public const string InProgress = "INPROGRESS";

    /// <summary>The stored status of a completed record.</summary>
    public const string Completed = "COMPLETED";

    private const int KeyColumn = 0;
    private const int StatusColumn = 1;
    private const int ExpirationColumn = 2;
    private const int LeaseColumn = 3;
    private const int ValidationColumn = 4;
    private const int DataColumn = 5;
    private const int OwnerColumn = 6;
    private const int ResponseNotStoredColumn = 7;

    public static IdempotencyRecord Read(DbDataReader reader)
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
                ResponseNotStored = status == IdempotencyRecordStatus.Completed && ReadFlag(reader, ResponseNotStoredColumn, key, "response_not_stored"),
            };
        }
        catch (ArgumentOutOfRangeException exception)
        {
            throw new IdempotencyCorruptRecordException($"Idempotency record '{key}' holds a time outside the representable range.", exception);
        }
    }

    private static IdempotencyRecordStatus ReadStatus(DbDataReader reader, string key)
    {
        var stored = reader.IsDBNull(StatusColumn) ? null : reader.GetValue(StatusColumn) as string;
        return stored switch
        {
            InProgress => IdempotencyRecordStatus.InProgress,
            Completed => IdempotencyRecordStatus.Completed,
            _ => throw new IdempotencyCorruptRecordException(
                $"Idempotency record '{key}' has the unknown status '{stored ?? "(null)"}'; expected '{InProgress}' or '{Completed}'. Another writer may be using the same table."),
        };
    }

    // SQLite converts between storage classes silently ('abc' reads as integer 0), so check the type first.
    private static long ReadInteger(DbDataReader reader, int column, string key, string name) =>
        reader.GetFieldType(column) == typeof(long)
            ? reader.GetInt64(column)
            : throw new IdempotencyCorruptRecordException(
                $"Idempotency record '{key}' stores {name} as {reader.GetFieldType(column).Name}, not as an integer.");

    // PostgreSQL keeps the flag as boolean, SQLite (which has none) as an integer.
    private static bool ReadFlag(DbDataReader reader, int column, string key, string name)
    {
        var type = reader.GetFieldType(column);
        if (type == typeof(bool))
        {
            return reader.GetBoolean(column);
        }

        return type == typeof(long)
            ? reader.GetInt64(column) != 0
            : throw new IdempotencyCorruptRecordException($"Idempotency record '{key}' stores {name} as {type.Name}, not as a flag.");
    }

    private static string? ReadText(DbDataReader reader, int column, string key, string name)
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
