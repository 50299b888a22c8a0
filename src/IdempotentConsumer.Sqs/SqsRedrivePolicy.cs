using System.Globalization;
using System.Text.Json;

namespace IdempotentConsumer.Sqs;

/// <summary>Reads an SQS queue's <c>RedrivePolicy</c> attribute.</summary>
public static class SqsRedrivePolicy
{
    /// <summary>Parses <c>{"deadLetterTargetArn": "...", "maxReceiveCount": 5}</c>; the count may be a number or a string.</summary>
    /// <returns>The count, or null when there is no policy or it cannot be read.</returns>
    public static int? ParseMaxReceiveCount(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("maxReceiveCount", out var count))
            {
                return null;
            }

            return count.ValueKind switch
            {
                JsonValueKind.Number when count.TryGetInt32(out var number) && number > 0 => number,
                JsonValueKind.String when int.TryParse(count.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed > 0 => parsed,
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
