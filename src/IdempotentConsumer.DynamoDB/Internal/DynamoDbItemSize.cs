using System.Text;
using Amazon.DynamoDBv2.Model;

namespace IdempotentConsumer.DynamoDB.Internal;

/// <summary>
/// DynamoDB's item size, computed as DynamoDB documents it: the UTF-8 length of every attribute name
/// plus its value. Numbers are counted at their maximum (21 bytes), so the estimate never falls short.
/// </summary>
internal static class DynamoDbItemSize
{
    /// <summary>DynamoDB's maximum item size: 400 KB.</summary>
    public const int MaxItemBytes = 400 * 1024;

    private const int MaxNumberBytes = 21;

    public static long Of(Dictionary<string, AttributeValue> item)
    {
        long total = 0;
        foreach (var (name, value) in item)
        {
            total += Encoding.UTF8.GetByteCount(name) + ValueSize(value);
        }

        return total;
    }

    /// <summary>The size an attribute adds to an item.</summary>
    public static long Attribute(string name, string? stringValue) =>
        stringValue is null ? 0 : Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(stringValue);

    /// <summary>The size a number attribute adds to an item, at most.</summary>
    public static long NumberAttribute(string name) => Encoding.UTF8.GetByteCount(name) + MaxNumberBytes;

    private static long ValueSize(AttributeValue value) =>
        value.S is not null ? Encoding.UTF8.GetByteCount(value.S)
        : value.N is not null ? MaxNumberBytes
        : 1;
}
