using System.Diagnostics;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace IdempotentConsumer.Hosting.Bench;

/// <summary>The baseline: one loop that receives ten and deletes them in one batch, nothing else.</summary>
public static class BareLoop
{
    public static async Task<TimeSpan> DrainAsync(IAmazonSQS sqs, string queueUrl, int count)
    {
        var watch = Stopwatch.StartNew();
        var done = 0;
        while (done < count)
        {
            var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = queueUrl,
                MaxNumberOfMessages = 10,
                WaitTimeSeconds = 1,
                VisibilityTimeout = 30,
            });
            var messages = received.Messages;
            if (messages is null || messages.Count == 0)
            {
                continue;
            }

            await sqs.DeleteMessageBatchAsync(new DeleteMessageBatchRequest
            {
                QueueUrl = queueUrl,
                Entries = messages.Select((m, i) => new DeleteMessageBatchRequestEntry(i.ToString(System.Globalization.CultureInfo.InvariantCulture), m.ReceiptHandle)).ToList(),
            });
            done += messages.Count;
        }

        return watch.Elapsed;
    }
}
