using System.Globalization;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Records;
using StackExchange.Redis;

namespace IdempotentConsumer.Redis.Internal;

/// <summary>Turns a record hash (HGETALL, or a script's HGETALL reply) into an <see cref="IdempotencyRecord"/>.</summary>
internal static class RedisRecordReader
{
    /// <summary>The record in an HGETALL reply, or null when the reply is empty (no key).</summary>
    /// <exception cref="IdempotencyCorruptRecordException">The hash is not a record this store wrote.</exception>
    public static IdempotencyRecord? Read(string key, HashEntry[] entries)
    {
        if (entries.Length == 0)
        {
            return null;
        }

        var fields = new Dictionary<string, RedisValue>(entries.Length, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            fields[entry.Name.ToString()] = entry.Value;
        }

        return Read(key, fields);
    }

    /// <summary>The record in a script's HGETALL reply (a flat array of field, value pairs).</summary>
    /// <exception cref="IdempotencyCorruptRecordException">The reply is not a record this store wrote.</exception>
    public static IdempotencyRecord? ReadScriptReply(string key, RedisResult reply)
    {
        var items = (RedisResult[]?)reply;
        if (items is null || items.Length == 0)
        {
            return null;
        }

        if (items.Length % 2 != 0)
        {
            throw new IdempotencyCorruptRecordException($"Redis returned an odd number of hash items ({items.Length}) for idempotency record '{key}'.");
        }

        var fields = new Dictionary<string, RedisValue>(items.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i < items.Length; i += 2)
        {
            fields[items[i].ToString()] = (RedisValue)items[i + 1];
        }

        return Read(key, fields);
    }

    private static IdempotencyRecord Read(string key, Dictionary<string, RedisValue> fields)
    {
        var status = Text(fields, RedisRecordFields.Status) switch
        {
            RedisRecordFields.InProgress => IdempotencyRecordStatus.InProgress,
            RedisRecordFields.Completed => IdempotencyRecordStatus.Completed,
            var other => throw Corrupt(key, other is null ? "it has no status field" : $"its status is '{other}', not INPROGRESS or COMPLETED"),
        };

        var expiration = Number(fields, RedisRecordFields.Expiration, key)
            ?? throw Corrupt(key, "it has no expiration field");
        var lease = Number(fields, RedisRecordFields.InProgressExpiration, key);
        return new IdempotencyRecord
        {
            Key = key,
            Status = status,
            ExpiresAt = FromEpoch(key, () => DateTimeOffset.FromUnixTimeSeconds(expiration)),
            InProgressExpiresAt = lease is { } ms ? FromEpoch(key, () => DateTimeOffset.FromUnixTimeMilliseconds(ms)) : null,
            PayloadHash = Text(fields, RedisRecordFields.Validation),
            ResponseData = Text(fields, RedisRecordFields.Data),
            OwnerToken = Text(fields, RedisRecordFields.Owner),
            ResponseNotStored = Text(fields, RedisRecordFields.ResponseNotStored) == RedisRecordFields.True,
        };
    }

    private static string? Text(Dictionary<string, RedisValue> fields, string name) =>
        fields.TryGetValue(name, out var value) && !value.IsNull ? value.ToString() : null;

    private static long? Number(Dictionary<string, RedisValue> fields, string name, string key)
    {
        var text = Text(fields, name);
        if (text is null)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Corrupt(key, $"its {name} field is '{text}', not a whole number");
    }

    private static DateTimeOffset FromEpoch(string key, Func<DateTimeOffset> convert)
    {
        try
        {
            return convert();
        }
        catch (ArgumentOutOfRangeException exception)
        {
            throw new IdempotencyCorruptRecordException($"Idempotency record '{key}' in Redis holds a time outside the representable range.", exception);
        }
    }

    private static IdempotencyCorruptRecordException Corrupt(string key, string why) =>
        new($"Idempotency record '{key}' in Redis is not a record this store wrote: {why}. Another writer may be using the same key prefix.");
}
