using System.Buffers;
using System.Text;
using System.Text.Json;

namespace IdempotentConsumer.Sqlite.Internal;

/// <summary>Encodes a key list as the JSON array that <c>json_each</c> expands inside the batch read.</summary>
internal static class SqliteKeyList
{
    public static string ToJsonArray(IEnumerable<string> keys)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var key in keys)
            {
                writer.WriteStringValue(key);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
