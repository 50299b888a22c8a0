using System.Collections.Concurrent;
using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Hosting.Tests.Support;
using IdempotentConsumer.Pipeline;
using IdempotentConsumer.Records;
using IdempotentConsumer.Sqs;
using IdempotentConsumer.Sqs.Transport;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace IdempotentConsumer.Hosting.Tests.Unit;

/// <summary>The worker on the shared consumer engine: explicit stores, handlers with results through DI, the transport seam.</summary>
public sealed class WorkerEngineTests
{
    private const string QueueUrl = "inmemory://queues/orders";

    [Fact]
    public async Task Given_no_store_registered_When_the_host_starts_Then_it_fails_instead_of_using_memory_silently()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSqsConsumer<Order>(o => o.QueueUrl = QueueUrl, b => b
            .WithSqsTransport(_ => new ScriptedTransport())
            .WithKey(o => o.OrderId)
            .Handle((_, _, _) => ValueTask.CompletedTask));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<IdempotencyConfigurationException>(() => host.StartAsync());

        Assert.Contains("WithInMemoryStore", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_handler_with_a_result_from_DI_When_a_duplicate_arrives_Then_it_runs_once_and_the_duplicate_is_answered_from_the_stored_result()
    {
        var transport = new ScriptedTransport();
        var store = new InMemoryIdempotencyStore();
        var keys = new ConcurrentBag<string?>();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<LabelCounter>();
        builder.Services.AddSqsConsumer<Order>(o => { o.QueueUrl = QueueUrl; o.WaitTimeSeconds = 0; }, b => b
            .WithSqsTransport(_ => transport)
            .WithStore(store)
            .WithKeyPrefix("labels")
            .WithKey(o => o.OrderId)
            .Use((context, next) =>
            {
                keys.Add(context.IdempotencyKey);
                return next(context);
            })
            .Handle<LabelHandler, Label>());
        using var host = builder.Build();
        var counter = host.Services.GetRequiredService<LabelCounter>();

        await host.StartAsync();
        transport.Enqueue("m-1", """{"orderId":"o-1","userId":"u","productId":"p"}""");
        await Eventually.TrueAsync(() => transport.Deleted.Contains("m-1"));
        transport.Enqueue("m-2", """{"productId":"p","userId":"u","orderId":"o-1"}""");
        await Eventually.TrueAsync(() => transport.Deleted.Contains("m-2"));
        await host.StopAsync();

        Assert.Equal(1, counter.Calls);
        var key = Assert.Single(keys); // middleware runs inside idempotency: never for the replayed duplicate
        var record = await store.GetAsync(key!);
        Assert.NotNull(record);
        Assert.Equal(IdempotencyRecordStatus.Completed, record.Status);
        Assert.Contains("label-o-1", record.ResponseData!, StringComparison.Ordinal);
    }

    public sealed record Label(string Text);

    public sealed class LabelCounter
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public void Count() => Interlocked.Increment(ref _calls);
    }

    public sealed class LabelHandler(LabelCounter counter) : IMessageHandler<Order, Label>
    {
        public ValueTask<Label> HandleAsync(Order message, MessageContext<Order> context, CancellationToken cancellationToken)
        {
            counter.Count();
            return ValueTask.FromResult(new Label("label-" + message.OrderId));
        }
    }

    /// <summary>A transport double: hands out what the test enqueues, records deletes.</summary>
    private sealed class ScriptedTransport : ISqsTransport
    {
        private readonly ConcurrentQueue<SqsTransportMessage> _ready = new();

        public ConcurrentBag<string> Deleted { get; } = [];

        public void Enqueue(string id, string body) => _ready.Enqueue(new SqsTransportMessage
        {
            MessageId = id,
            ReceiptHandle = "rh-" + id,
            Body = body,
            Attributes = new Dictionary<string, string> { [SqsSystemAttributes.ApproximateReceiveCount] = "1" },
        });

        public async ValueTask<IReadOnlyList<SqsTransportMessage>> ReceiveAsync(SqsReceiveRequest request, CancellationToken cancellationToken)
        {
            if (_ready.TryDequeue(out var message))
            {
                return [message];
            }

            await Task.Delay(20, cancellationToken);
            return [];
        }

        public ValueTask<IReadOnlyList<SqsBatchEntryError>> DeleteBatchAsync(string queueUrl, IReadOnlyList<SqsReceipt> receipts, CancellationToken cancellationToken)
        {
            foreach (var receipt in receipts)
            {
                Deleted.Add(receipt.ReceiptHandle["rh-".Length..]);
            }

            return ValueTask.FromResult<IReadOnlyList<SqsBatchEntryError>>([]);
        }

        public ValueTask ChangeVisibilityAsync(string queueUrl, string receiptHandle, TimeSpan visibilityTimeout, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<SqsQueueAttributes> GetQueueAttributesAsync(string queueUrl, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new SqsQueueAttributes(null, null, false));
    }
}
