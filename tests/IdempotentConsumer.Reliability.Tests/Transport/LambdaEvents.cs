using System.Globalization;
using System.Text;
using Amazon.Lambda.SQSEvents;
using IdempotentConsumer.Lambda.Sqs;

namespace IdempotentConsumer.Reliability.Tests.Transport;

/// <summary>
/// Builds SQS events as Lambda's JSON and reads them back with Lambda's serializer, so each body reaches the
/// function exactly as Lambda would hand it over (a <c>\ud800</c> escape in the event becomes a lone surrogate).
/// </summary>
internal static class LambdaEvents
{
    public const string QueueArn = "arn:aws:sqs:us-east-1:000000000000:orders";

    public static SQSEvent From(IEnumerable<(string MessageId, string Body)> records)
    {
        var json = new StringBuilder("{\"Records\":[");
        var first = true;
        foreach (var (messageId, body) in records)
        {
            json.Append(first ? string.Empty : ",");
            first = false;
            json.Append(CultureInfo.InvariantCulture, $$"""{"messageId":"{{messageId}}","receiptHandle":"rh-{{messageId}}","body":"{{Escape(body)}}","attributes":{"ApproximateReceiveCount":"1","SentTimestamp":"1700000000000"},"messageAttributes":{},"md5OfBody":"","eventSource":"aws:sqs","eventSourceARN":"{{QueueArn}}","awsRegion":"us-east-1"}""");
        }

        return LambdaSqsJson.DeserializeEvent(json.Append("]}").ToString());
    }

    /// <summary>JSON string escaping that also escapes surrogates, so even a lone one travels as Lambda would send it.</summary>
    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is '"' or '\\' || c < 0x20 || char.IsSurrogate(c))
            {
                escaped.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }
}
