using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.SQS;
using Amazon.SQS.Model;
using IdempotentConsumer.Hosting.Tests.Support;
using IdempotentConsumer.Keys;
using IdempotentConsumer.Sqs.Producer.Options;
using IdempotentConsumer.Sqs.Producer.Sending;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using IdempotentConsumer.TestInfrastructure.Instrumentation;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Hosting.Tests.Integration;

/// <summary>
/// The producer half on fauxqs: a send that lands but whose reply is lost is retried, and the application's own retry
/// serializes the order again with its fields in another order. SQS's FIFO deduplication (by the key hash) and the
/// consumer's record (by the key attribute) must both see one order.
/// </summary>
[Collection(EmulatorCollections.Fauxqs)]
public sealed class ProducerTests(FauxqsFixture fauxqs, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Rounds = 3;

    private readonly WorkerHosts _hosts = new(fauxqs, output);
    private readonly TestQueues _queues = new(fauxqs.CreateSqsClient());
    private readonly List<IDisposable> _clients = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _hosts.DisposeAsync();
        _clients.ForEach(c => c.Dispose());
    }

    private static List<Order> Orders(int users, int perUser) =>
        [.. Enumerable.Range(1, perUser).SelectMany(seq => Enumerable.Range(1, users).Select(u => new Order($"o-{u}-{seq}", $"u-{u}", "p-1", seq)))];

    // The application serializes again on its own retry: another field order, sometimes indented.
    private static string Reserialized(Order order, int round)
    {
        var fields = JsonSerializer.SerializeToNode(order, JsonSerializerOptions.Web)!.AsObject().Select(p => (p.Key, Value: p.Value?.DeepClone())).ToList();
        var shifted = fields.Skip(round % fields.Count).Concat(fields.Take(round % fields.Count)).ToList();
        if (round % 2 == 1)
        {
            shifted.Reverse();
        }

        var json = new JsonObject();
        foreach (var (key, value) in shifted)
        {
            json[key] = value;
        }

        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = round == 2 });
    }

    private IdempotentSqsSender<Order> Sender(string queueUrl, AwsReplyDropper dropper, int maxAttempts = 8)
    {
        var client = fauxqs.CreateSqsClient(dropper.Attach);
        _clients.Add(client);
        return new IdempotentSqsSender<Order>(
            client,
            new SqsSenderOptions
            {
                QueueUrl = queueUrl,
                KeyPrefix = WorkerHosts.KeyPrefix,
                KeySource = IdempotencyKeySource.From<Order>(o => o.OrderId),
                MaxAttempts = maxAttempts,
                InitialRetryDelay = TimeSpan.FromMilliseconds(20),
                MaxRetryDelay = TimeSpan.FromMilliseconds(100),
            },
            o => o.UserId);
    }

    // Every round re-serializes and re-prepares every order, as a producer that lost its replies would.
    private static async Task<List<SqsSentMessage>> StormAsync(IdempotentSqsSender<Order> sender, IReadOnlyList<Order> orders)
    {
        var sent = new List<SqsSentMessage>();
        for (var round = 0; round < Rounds; round++)
        {
            var prepared = orders.Select(o => sender.PrepareJson(Reserialized(o, round))).ToList();
            sent.AddRange(await sender.SendPreparedAsync(prepared));
        }

        return sent;
    }

    /// <summary>Receives and deletes everything, in delivery order, until the queue stays empty.</summary>
    private async Task<List<Message>> DrainAsync(string queueUrl)
    {
        using var sqs = fauxqs.CreateSqsClient();
        var received = new List<Message>();
        for (var empty = 0; empty < 2;)
        {
            var response = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest
            {
                QueueUrl = queueUrl,
                MaxNumberOfMessages = 10,
                WaitTimeSeconds = 1,
                MessageAttributeNames = ["All"],
                MessageSystemAttributeNames = ["All"],
            });
            var messages = response.Messages ?? [];
            if (messages.Count == 0)
            {
                empty++;
                continue;
            }

            empty = 0;
            received.AddRange(messages);
            await sqs.DeleteMessageBatchAsync(queueUrl, [.. messages.Select((m, i) => new DeleteMessageBatchRequestEntry(i.ToString(System.Globalization.CultureInfo.InvariantCulture), m.ReceiptHandle))]);
        }

        return received;
    }

    [Fact]
    public async Task Given_a_retry_storm_with_lost_replies_and_reserialized_bodies_When_sent_to_a_fifo_queue_Then_each_order_is_enqueued_once()
    {
        var queue = await _queues.CreateAsync("producer-storm", fifo: true);
        var dropper = new AwsReplyDropper("SendMessageBatch", n => n % 2 == 1);
        var sender = Sender(queue, dropper);
        var orders = Orders(users: 4, perUser: 5);

        var sent = await StormAsync(sender, orders);
        var received = await DrainAsync(queue);

        Assert.True(dropper.Dropped >= Rounds, $"replies dropped: {dropper.Dropped}");
        // SQS accepts a deduplicated send and answers with the first send's message id.
        Assert.Equal(Rounds * orders.Count, sent.Count);
        Assert.Equal(orders.Count, sent.Select(s => s.MessageId).Distinct().Count());
        Assert.Equal(orders.Count, received.Count);
        Assert.Equal(orders.Select(o => o.OrderId).Order(), received.Select(m => TestQueues.OrderOf(m).OrderId).Order());
        Assert.All(received, m =>
        {
            var hash = m.MessageAttributes[IdempotencyKeyAttribute.DefaultName].StringValue;
            Assert.Equal(IdempotencyHasher.Hash(TestQueues.OrderOf(m).OrderId, IdempotencyHashAlgorithm.Sha256), hash);
            Assert.Equal(hash, m.Attributes["MessageDeduplicationId"]);
        });
    }

    [Fact]
    public async Task Given_batch_sends_whose_replies_are_lost_When_retried_on_a_fifo_queue_Then_every_group_is_received_in_the_order_sent()
    {
        var queue = await _queues.CreateAsync("producer-order", fifo: true);
        var dropper = new AwsReplyDropper("SendMessageBatch", n => n % 3 != 0);
        var sender = Sender(queue, dropper, maxAttempts: 10);
        var orders = Orders(users: 3, perUser: 8);

        var sent = await sender.SendBatchAsync(orders);
        var received = await DrainAsync(queue);

        Assert.Contains(sent, s => s.Attempts > 1);
        Assert.Equal(orders.Count, received.Count);
        foreach (var group in received.Select(TestQueues.OrderOf).GroupBy(o => o.UserId))
        {
            Assert.Equal(Enumerable.Range(1, 8), group.Select(o => o.Sequence));
        }
    }

    [Fact]
    public async Task Given_a_retry_storm_on_a_standard_queue_When_the_worker_keys_by_the_key_attribute_Then_each_order_ships_once_and_every_copy_is_deleted()
    {
        var queue = await _queues.CreateAsync("producer-standard");
        var dropper = new AwsReplyDropper("SendMessageBatch", n => n % 2 == 1);
        var sender = Sender(queue, dropper);
        var orders = Orders(users: 4, perUser: 5);

        await StormAsync(sender, orders);
        var copies = await _queues.CountAsync(queue);
        Assert.True(copies > orders.Count, $"a standard queue keeps every copy: {copies}");

        // Fail, not fall back: a message without the attribute would be poison, so shipping proves the attribute keyed it.
        var host = _hosts.Build(queue, consumer: b => b.WithKeyFromAttribute(fallback: KeyAttributeFallback.Fail));
        await host.StartAsync();
        await Eventually.TrueAsync(async () => await _queues.CountAsync(queue) == 0, TimeSpan.FromSeconds(30), "every copy deleted");

        Assert.All(orders, o => Assert.Equal(1, _hosts.Ledger.ShipmentsOf(o.OrderId)));
        Assert.Equal(orders.Count, _hosts.Ledger.Invocations);
    }
}
