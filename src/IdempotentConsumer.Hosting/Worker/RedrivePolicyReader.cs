using System.Globalization;
using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Logging;

namespace IdempotentConsumer.Hosting.Worker;

/// <summary>Reads <c>maxReceiveCount</c> from a queue's redrive policy, so the consumer knows when the DLQ takes over.</summary>
internal static partial class RedrivePolicyReader
{
    private const string RedrivePolicy = "RedrivePolicy";

    /// <returns>The count, or null when the queue has no redrive policy or it cannot be read (not fatal).</returns>
    public static async Task<int?> TryReadMaxReceiveCountAsync(IAmazonSQS sqs, string queueUrl, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            var response = await sqs.GetQueueAttributesAsync(
                new GetQueueAttributesRequest { QueueUrl = queueUrl, AttributeNames = [RedrivePolicy] },
                cancellationToken).ConfigureAwait(false);
            return response?.Attributes is { } attributes && attributes.TryGetValue(RedrivePolicy, out var json) ? Parse(json) : null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogUnreadable(logger, ex, queueUrl);
            return null;
        }
    }

    /// <summary>Parses <c>{"deadLetterTargetArn": "...", "maxReceiveCount": 5}</c>; the count may be a number or a string.</summary>
    public static int? Parse(string? json)
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

    [LoggerMessage(EventId = 1400, Level = LogLevel.Information, Message = "Could not read the redrive policy of {QueueUrl}; set MaxReceiveCount to have poison messages reported.")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string queueUrl);
}
