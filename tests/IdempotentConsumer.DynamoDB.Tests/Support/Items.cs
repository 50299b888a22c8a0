using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace IdempotentConsumer.DynamoDB.Tests.Support;

/// <summary>Raw item access, to assert exactly what the store wrote.</summary>
internal static class Items
{
    public static async Task<Dictionary<string, AttributeValue>?> ReadAsync(IAmazonDynamoDB client, string table, Dictionary<string, AttributeValue> key)
    {
        var response = await client.GetItemAsync(new GetItemRequest { TableName = table, Key = key, ConsistentRead = true });
        return response.Item is { Count: > 0 } item ? item : null;
    }

    public static Dictionary<string, AttributeValue> Key(string attribute, string value) => new() { [attribute] = new AttributeValue { S = value } };

    /// <summary>An item as "name → S:value / N:value", sorted, so whole items compare with one assertion.</summary>
    public static SortedDictionary<string, string> Describe(Dictionary<string, AttributeValue>? item)
    {
        var described = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in item ?? [])
        {
            described[name] = value.S is not null ? "S:" + value.S
                : value.N is not null ? "N:" + value.N
                : value.NULL == true ? "NULL"
                : value.BOOL is { } flag ? "BOOL:" + flag
                : "other";
        }

        return described;
    }

    public static string Seconds(DateTimeOffset value) => "N:" + value.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    public static string Milliseconds(DateTimeOffset value) => "N:" + value.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
}
