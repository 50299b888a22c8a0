using System.Globalization;
using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace IdempotentConsumer.Hosting.Bench;

/// <summary>Creates a queue and fills it before a run, so every run drains the same backlog.</summary>
public static class Queues
{
    public static async Task<string> CreateFilledAsync(IAmazonSQS sqs, string name, int count)
    {
        var url = (await sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = $"{name}-{Guid.NewGuid():N}",
            Attributes = new Dictionary<string, string> { ["VisibilityTimeout"] = "30" },
        })).QueueUrl;

        var batches = Enumerable.Range(0, count).Chunk(10).ToArray();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (batch, token) =>
        {
            var entries = batch.Select(i => new SendMessageBatchRequestEntry
            {
                Id = i.ToString(CultureInfo.InvariantCulture),
                MessageBody = JsonSerializer.Serialize(new BenchMessage($"msg-{i}", $"customer-{i % 97}", i % 5 + 1), JsonSerializerOptions.Web),
            }).ToList();
            var response = await sqs.SendMessageBatchAsync(new SendMessageBatchRequest { QueueUrl = url, Entries = entries }, token);
            if (response.Failed is { Count: > 0 })
            {
                throw new InvalidOperationException("Filling the queue failed.");
            }
        });

        return url;
    }
}
