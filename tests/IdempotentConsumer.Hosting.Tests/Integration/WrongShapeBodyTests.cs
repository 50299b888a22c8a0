using IdempotentConsumer.Hosting.Tests.Support;
using IdempotentConsumer.TestInfrastructure.Fixtures;
using Xunit;
using Xunit.Abstractions;

namespace IdempotentConsumer.Hosting.Tests.Integration;

/// <summary>A body that is not the consumer's message type is malformed: never handled, never keyed, dead-lettered by the queue.</summary>
[Collection(EmulatorCollections.Fauxqs)]
public sealed class WrongShapeBodyTests(FauxqsFixture fauxqs, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly WorkerHosts _hosts = new(fauxqs, output);
    private readonly Amazon.SQS.IAmazonSQS _sqs = fauxqs.CreateSqsClient();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _hosts.DisposeAsync();
        _sqs.Dispose();
    }

    [Theory]
    [InlineData("""{"unexpected":true}""")]
    [InlineData("""{"orderId":null,"userId":"u-1","productId":"p-1"}""")]
    public async Task Given_a_wrong_shape_body_among_good_orders_When_the_worker_runs_Then_it_is_never_handled_and_goes_to_the_dead_letter_queue_while_its_neighbours_are_deleted(string body)
    {
        var queues = new TestQueues(_sqs);
        var deadLetters = await queues.CreateAsync("wrong-shape-dlq");
        var queue = await queues.CreateAsync("wrong-shape", deadLetterQueueUrl: deadLetters, maxReceiveCount: 2);
        var good = Enumerable.Range(1, 3).Select(i => new Order($"good-{i}", "u-2", "p-1")).ToList();
        await queues.SendAsync(queue, good.Take(1));
        await _sqs.SendMessageAsync(queue, body);
        await queues.SendAsync(queue, good.Skip(1));

        await _hosts.StartAsync(queue, configure: o => o.Redelivery.Multiplier = 1);
        await Eventually.TrueAsync(async () => await queues.CountAsync(deadLetters) == 1, TimeSpan.FromSeconds(20), "the wrong-shape body is dead-lettered");
        await Eventually.TrueAsync(async () => await queues.CountAsync(queue) == 0, TimeSpan.FromSeconds(5), "the good orders are deleted");

        Assert.All(good, o => Assert.Equal(1, _hosts.Ledger.ShipmentsOf(o.OrderId)));
        Assert.Equal(good.Count, _hosts.Ledger.Invocations);
        Assert.DoesNotContain(_hosts.Ledger.Started, o => o.OrderId is null);
        Assert.Equal(good.Count, _hosts.Store.Count);
        var dead = Assert.Single(await queues.ReceiveAsync(deadLetters, waitSeconds: 1));
        Assert.Equal(body, dead.Body);
    }
}
